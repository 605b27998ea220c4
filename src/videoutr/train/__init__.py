"""Training: typed recipes, the LLaVA-NeXT data mixture, dataset/collator glue, HF Trainer runs.

from videoutr.train import load_recipe, run_training
run_training(load_recipe("tiny_cpu", ["run.max_steps=50"]))
"""

from videoutr.train.config import TrainRecipe, load_recipe

__all__ = ["TrainRecipe", "load_recipe", "run_training"]


def run_training(recipe, extra_callbacks=None):
    """Train per `recipe` (imports torch/transformers lazily); see `videoutr.train.trainer`."""
    from videoutr.train.trainer import run_training as _run

    return _run(recipe, extra_callbacks)
