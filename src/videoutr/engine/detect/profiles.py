"""Per-input defaults: `detector: auto` picks the detector for the videos, and each detector brings
the settings that suit the footage it is built for.

The synthetic world draws flat colours: neighbouring pixels are equal over most of a frame. Real
footage (photographs, camera video) has texture and sensor noise everywhere. `auto` looks at a
few frames of the first videos: where at least `FLAT_SHARE` of horizontally neighbouring grey
pixels differ by at most one level, the videos get `motion` (flat coloured objects); else
`foreground` (class-agnostic subjects of real footage, static or moving camera).

`PROFILES` holds each detector's settings that differ from `EngineConfig`'s defaults; a value
the user gives (`--config`, an `a.b=value` override, a flag) always wins. `mp-pose` names each
person's action, so its runs also ask the `pose_action` questions (`query/pose.py`).

    cfg = resolve_config({}, "runs/footage/videos")
    cfg.detector, cfg.track.centre_noise_px, cfg.query.samples_per_video  # ('foreground', 2.0, 6)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from videoutr.engine.config import EngineConfig, QueryConfig

AUTO = "auto"
FLAT_SHARE = 0.75  # world clips: 0.88-0.995 of pixel pairs flat; photo footage 0.08-0.49
PROBE_VIDEOS = 3  # videos looked at ...
PROBE_FRAMES = 4  # ... and frames of each

# Real footage: box centres of textured blobs wander by ~2 px (a blur, morphology and a median
# background); a small or faint blob (confidence under 0.7: under ~350 px at 320x240, or little
# strong contrast) is often part of its subject, so its box is not asserted, nor any box of a
# subject whose usual box is under 12 px wide or tall (edges that wander by a pixel or two are a
# large share of it: its boxes may miss much of a thin subject while keeping their usual size);
# and fewer questions are sure per video, so each video gets more dialogues.
PROFILES: dict[str, dict[str, Any]] = {
    "motion": {},
    "foreground": {
        "track": {"centre_noise_px": 2.0},
        "query": {"samples_per_video": 6, "min_claim_conf": 0.7, "min_claim_side_px": 12},
    },
    "mp-pose": {"query": {"tasks": [*QueryConfig.tasks, "pose_action"]}},
}


def flat_share(frame: np.ndarray) -> float:
    """Share of horizontally neighbouring pixel pairs whose grey levels differ by at most 1."""
    grey = (
        frame.astype(np.int32) @ np.array([77, 150, 29], dtype=np.int32) >> 8
        if frame.ndim == 3
        else frame.astype(np.int32)
    )
    return float((np.abs(np.diff(grey, axis=1)) <= 1).mean())


def pick_detector(videos: list[str | Path]) -> str:
    """`motion` when the first videos look drawn in flat colours, else `foreground`."""
    from videoutr.errors import VideoutrError
    from videoutr.video import sample_frames

    shares: list[float] = []
    for path in videos:
        if len(shares) >= PROBE_VIDEOS * PROBE_FRAMES:
            break
        try:
            frames = sample_frames(path, num_frames=PROBE_FRAMES).frames
        except VideoutrError:  # an unreadable video is reported by the run itself
            continue
        shares += [flat_share(f) for f in frames]
    return "motion" if shares and float(np.median(shares)) >= FLAT_SHARE else "foreground"


def resolve_detector(detector: str | None, videos: list[str | Path] | str | Path) -> str:
    """`detector`, or the one `pick_detector` chooses for `videos` (a list of files, or a folder)
    when it is missing or `auto`."""
    from videoutr.engine.run import discover_videos

    if detector not in (None, AUTO):
        return detector
    paths = [item.path for item in discover_videos(videos)] if isinstance(videos, (str, Path)) else list(videos)
    return pick_detector(paths)


def profile_base(detector: str) -> EngineConfig:
    """`EngineConfig`'s defaults with `detector` and its `PROFILES` entry: what the user's values
    are laid over."""
    from videoutr.schema import load_config

    return load_config(EngineConfig, {**PROFILES.get(detector, {}), "detector": detector}, name="engine profile")


def resolve_config(data: dict[str, Any], videos: list[str | Path] | str | Path) -> EngineConfig:
    """The validated config of `data` (nested dicts, as given by the user) for these videos: the
    detector resolved by `resolve_detector`, its profile beneath the user's values."""
    from videoutr.schema import load_config

    detector = resolve_detector(data.get("detector"), videos)
    return load_config(
        EngineConfig,
        {**data, "detector": detector},
        name="engine config",
        check=EngineConfig.problems,
        base=profile_base(detector),
    )
