"""lmms-eval plugin (optional extra `lmms`): a model class for videoutr checkpoints and task YAMLs.

    pip install "videoutr[lmms]"
    python -m lmms_eval --model videoutr --model_args pretrained=runs/tiny/train \\
        --tasks videoutr_world --include_path "$(python -c 'import videoutr.eval.lmms as m; print(m.TASKS_DIR)')"

The model is registered through the `lmms_eval.models` entry point (see pyproject.toml). Tasks for
your own local files: `videoutr eval lmms-tasks --out DIR --name NAME --bench FILE --video-root ROOT`.
Nothing here imports lmms-eval until lmms-eval loads it.
"""

from videoutr.resources import package_path

TASKS_DIR = package_path("eval", "lmms", "tasks")
