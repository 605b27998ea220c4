"""Bidirectional querying: trajectories -> multi-turn LLaVA dialogues (LLM-free by default)."""

from videoutr.engine.query import (  # noqa: F401  (register the camera, pose, short-answer and short-span tasks)
    camera,
    pose,
    short,
    span,
)
from videoutr.engine.query.build import build_samples
from videoutr.engine.query.tasks import QA, TASKS, register_task

__all__ = ["QA", "TASKS", "build_samples", "register_task"]
