"""Draw tracked boxes and ids onto a video (mp4) or a strip of frames (PNG), to check by eye.

    clip = find_clip("runs/utr", "v00003")
    overlay_strip("runs/world/videos/v00003.mp4", clip, "v00003.png", num_frames=8)
    overlay_video("runs/world/videos/v00003.mp4", clip, "v00003_tracks.mp4")

Interpolated points are drawn thin; labels read `id colour category motion` (e.g. `2 brown object
-> left`, the motion relative to the scene when the camera moves).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from videoutr.engine.types import ClipTrajectories, Trajectory
from videoutr.errors import ConfigError
from videoutr.jsonio import iter_jsonl
from videoutr.video import iter_frames, uniform_indices, write_video

_COLOURS = [
    (230, 25, 75),
    (60, 180, 75),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (0, 128, 128),
    (170, 110, 40),
]


def find_clip(out_dir: str | Path, video_id: str) -> ClipTrajectories:
    """The trajectories of one video from `OUT/trajectories.jsonl`."""
    path = Path(out_dir) / "trajectories.jsonl"
    for record in iter_jsonl(path):
        if record["video_id"] == video_id:
            return ClipTrajectories.from_dict(record)
    raise ConfigError(f"{path}: no video {video_id!r}")


def draw_tracks(rgb: np.ndarray, clip: ClipTrajectories, frame_idx: int, scale: int = 1) -> np.ndarray:
    """A copy of `rgb` (upscaled by `scale`) with every track's box at `frame_idx` drawn."""
    canvas = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST) if scale > 1 else rgb.copy()
    height, width = canvas.shape[:2]
    for traj in clip.tracks:
        point = traj.point_at(frame_idx)
        if point is None:
            continue
        colour = _COLOURS[(traj.track_id - 1) % len(_COLOURS)]
        x1, y1, x2, y2 = (int(round(v * s)) for v, s in zip(point.box_norm, (width, height, width, height)))
        cv2.rectangle(canvas, (x1, y1), (x2 - 1, y2 - 1), colour, 1 if point.interpolated else 2)
        label = " ".join(v for v in (str(traj.track_id), point.colour, traj.category, motion_at(traj, frame_idx)) if v)
        (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, 0.35, 1)
        base = max(th + 2, y1 - 3)
        cv2.rectangle(
            canvas, (x1, base - th - 2), (x1 + tw + 1, base + 2), (255, 255, 255), -1
        )  # readable over any texture
        cv2.putText(canvas, label, (x1, base), cv2.FONT_HERSHEY_SIMPLEX, 0.35, colour, 1, cv2.LINE_AA)
    return canvas


def motion_at(traj: Trajectory, frame_idx: int) -> str | None:
    """What the subject is doing at `frame_idx`: "still", or "->" and its direction (relative to
    the scene when the camera moves); None outside its segments."""
    for seg in traj.segments:
        if seg.start_frame <= frame_idx <= seg.end_frame:
            return "still" if seg.state == "stationary" else f"-> {seg.direction}"
    return None


def _scale_for(width: int) -> int:
    return max(1, 384 // max(1, width))


def overlay_video(video: str | Path, clip: ClipTrajectories, out_path: str | Path) -> int:
    """Write `out_path` (mp4) with boxes on every frame; returns the number of frames written."""
    scale = _scale_for(clip.width)
    frames = (draw_tracks(rgb, clip, idx, scale) for idx, _, rgb in iter_frames(video))
    return write_video(out_path, frames, fps=clip.fps or 8.0)


def _label(strip_frame: np.ndarray, text: str) -> np.ndarray:
    bar = np.full((18, strip_frame.shape[1], 3), 255, dtype=np.uint8)
    cv2.putText(bar, text, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([bar, strip_frame], axis=0)


def overlay_strip(video: str | Path, clip: ClipTrajectories, out_path: str | Path, num_frames: int = 8) -> Path:
    """Write a PNG strip of `num_frames` engine frames (uniformly chosen) with boxes and frame numbers."""
    wanted = [clip.frame_idx[i] for i in uniform_indices(len(clip.frame_idx), num_frames)]
    scale = _scale_for(clip.width)
    tiles = [
        _label(draw_tracks(rgb, clip, idx, scale), f"frame {idx}")
        for idx, _, rgb in iter_frames(video, keep=set(wanted))
        if rgb is not None
    ]
    if not tiles:
        raise ConfigError(f"{video}: none of frames {wanted} could be read")
    gap = np.full((tiles[0].shape[0], 4, 3), 255, dtype=np.uint8)
    strip = np.concatenate([t for tile in tiles for t in (tile, gap)][:-1], axis=1)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(out_path), cv2.cvtColor(strip, cv2.COLOR_RGB2BGR)):
        raise ConfigError(f"{out_path}: could not write the PNG")
    return out_path


def track_summary(traj: Trajectory) -> str:
    """One line per track for the terminal."""
    events = ", ".join(f"{e.type}@{e.frame_idx}" for e in traj.events) or "no events"
    return (
        f"track {traj.track_id}: {traj.colour} {traj.category}, frames {traj.first_frame}-{traj.last_frame}, {events}"
    )
