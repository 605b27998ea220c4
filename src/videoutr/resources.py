"""Files shipped inside the package (recipes, the committed base checkpoint, lmms-eval task templates,
the viewer's static files), found with `importlib.resources` wherever the package is installed.

    >>> package_path("recipes", "tiny_cpu.yaml").name
    'tiny_cpu.yaml'

`python -m videoutr.resources NAME` prints where a packaged recipe is, for tools that take a path:

    accelerate launch --config_file "$(python -m videoutr.resources launch/accelerate_ddp_1node.yaml)" \\
        -m videoutr.train.launch --config video_utr_7b_stage2
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from videoutr.errors import VideoutrError


def package_path(*parts: str) -> Path:
    """A file or folder of the installed `videoutr` package, as a filesystem path (model loaders and
    training read folders by path, so the package must be installed as files, as pip does)."""
    resource = files("videoutr").joinpath(*parts)
    if not isinstance(resource, Path):
        raise VideoutrError(f"videoutr/{'/'.join(parts)}: the package is not installed as files ({resource!r})")
    return resource


def recipe_path(name: str | Path) -> Path:
    """A recipe file: `name` itself when it is a path to a file, else the packaged recipe of that name
    (`tiny_cpu`, `video_utr_7b_stage2`, `launch/accelerate_fsdp.yaml`, ...)."""
    path = Path(name)
    if path.is_file():
        return path
    packaged = package_path("recipes", *path.parts)
    for candidate in (packaged, packaged.with_name(packaged.name + ".yaml")):
        if candidate.is_file():
            return candidate
    return path


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        found = recipe_path(name)
        if not found.is_file():
            raise SystemExit(f"error: {name}: no such recipe file (packaged under {package_path('recipes')})")
        print(found)
