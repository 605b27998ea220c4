"""Bidirectional querying: trajectories -> multi-turn LLaVA dialogues (LLM-free by default)."""

from videoutr.engine.query import pose, short, span  # noqa: F401  (register the pose, short-answer and short-span tasks)
from videoutr.engine.query.build import build_samples
from videoutr.engine.query.tasks import QA, TASKS, register_task

__all__ = ["QA", "TASKS", "build_samples", "register_task"]
