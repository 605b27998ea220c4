"""Entry point `lmms_eval.models` → `videoutr` (declared in pyproject.toml)."""

from __future__ import annotations


def manifests():
    """The lmms-eval model manifest of the videoutr model class."""
    from lmms_eval.models.registry_v2 import ModelManifest

    return [
        ModelManifest(
            model_id="videoutr", simple_class_path="videoutr.eval.lmms.model.VideoutrLMM", aliases=("videoutr_hf",)
        )
    ]
