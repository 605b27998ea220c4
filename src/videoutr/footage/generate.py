"""Write a footage folder: videos, ground truth, and the config used.

DIR/footage.json        the FootageConfig used
DIR/videos/<id>.mp4     H.264; ids `s0000` (static camera) and `p0001` (panning camera)
DIR/annotations.jsonl   one `VideoAnnotation` per line (the world's schema; `shape` is the
                        subject's category, `center_xy` its centre in scene coordinates)

>>> generate_footage(FootageConfig(num_videos=4, seed=0), "runs/footage")
PosixPath('runs/footage')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from videoutr.errors import ConfigError
from videoutr.jsonio import write_json, write_jsonl
from videoutr.video import write_video


@dataclass
class FootageConfig:
    num_videos: int = 6
    seed: int = 0
    frames: int = 40
    fps: float = 8.0
    height: int = 240
    width: int = 320
    camera: str = "both"  # static, pan, or both (static and panning videos in turn)
    noise: float = 2.0  # sensor noise, standard deviation in levels
    crf: int = 18

    def validate(self) -> FootageConfig:
        problems = []
        if self.num_videos < 1:
            problems.append(f"num_videos: expected >= 1, got {self.num_videos}")
        if self.frames < 24:
            problems.append(f"frames: expected >= 24 (subjects stop, start and turn mid-clip), got {self.frames}")
        if self.camera not in ("static", "pan", "both"):
            problems.append(f"camera: expected static, pan or both, got {self.camera!r}")
        if self.height < 160 or self.width < 200 or self.height % 2 or self.width % 2:
            problems.append(f"size: expected even sides of at least 160 x 200, got {self.height} x {self.width}")
        if problems:
            raise ConfigError("footage config: " + "; ".join(problems))
        return self

    def kind(self, index: int) -> str:
        if self.camera != "both":
            return self.camera
        return "static" if index % 2 == 0 else "pan"


def generate_footage(cfg: FootageConfig, out: str | Path) -> Path:
    """Render and encode every video of `cfg` under `out`, with its ground truth."""
    from videoutr.footage.scenes import render, sample_scene

    cfg.validate()
    out = Path(out)
    records = []
    for index in range(cfg.num_videos):
        kind = cfg.kind(index)
        video_id = f"{kind[0]}{index:04d}"
        rng = np.random.default_rng([cfg.seed, index])
        scene = sample_scene(rng, kind, cfg.frames, (cfg.height, cfg.width))
        frames, annotation = render(scene, video_id, cfg.fps, rng, cfg.noise)
        write_video(out / annotation.video, frames, fps=cfg.fps, crf=cfg.crf)
        records.append(annotation.to_json())
    write_jsonl(out / "annotations.jsonl", records)
    write_json(out / "footage.json", asdict(cfg))
    return out
