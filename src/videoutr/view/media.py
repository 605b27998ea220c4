"""Frame sheets: the frames a view shows of a video, tiled into one JPEG.

A sheet holds exact frames (the ones the engine tracked, or the ones a model saw), so the site
can show frame k precisely and draw boxes on it, which a compressed `<video>` seek cannot promise.
Frames are shrunk to at most `max_side` pixels and capped at `max_frames` (spread uniformly).

    sheet = frame_sheet("videos/v1.mp4", [0, 4, 8], Path("site/media/v1.jpg"))
    sheet["frames"], sheet["cols"], (sheet["w"], sheet["h"])
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from videoutr.errors import VideoReadError
from videoutr.video.read import iter_frames, probe_video, uniform_indices

JPEG_QUALITY = 80


def spread(frames: list[int], limit: int) -> list[int]:
    """At most `limit` of `frames`, uniformly spread and always keeping the first and last."""
    if len(frames) <= limit:
        return list(frames)
    return [frames[i] for i in uniform_indices(len(frames), limit)]


def uniform_frames(path: str | Path, count: int) -> list[int]:
    """`count` frame indices spread over the whole video (LLaVA-NeXT's uniform sampling)."""
    return uniform_indices(probe_video(path).num_frames, count)


def _thumb_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))
    return max(2, round(width * scale)), max(2, round(height * scale))


def frame_sheet(path: str | Path, frames: list[int], out: Path, max_side: int = 240, max_frames: int = 256) -> dict:
    """Decode `frames` of the video at `path` and tile them row by row into the JPEG `out`.

    Returns what the site needs to cut a frame out: the sheet's file name, the frames it holds (in
    order; missing ones, past the video's end, are left out), the columns, and a tile's size.
    Raises `VideoReadError` for a video that cannot be read.
    """
    wanted = spread(sorted(set(frames)), max_frames)
    keep = set(wanted)
    tiles: dict[int, np.ndarray] = {}
    for index, _, rgb in iter_frames(path, keep=keep):
        if rgb is not None:
            w, h = _thumb_size(rgb.shape[1], rgb.shape[0], max_side)
            tiles[index] = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
        if index >= wanted[-1]:
            break
    held = [f for f in wanted if f in tiles]
    if not held:
        raise VideoReadError(path, f"none of frames {wanted[:4]}... decoded")
    h, w = tiles[held[0]].shape[:2]
    cols = math.ceil(math.sqrt(len(held)))
    rows = math.ceil(len(held) / cols)
    sheet = np.zeros((rows * h, cols * w, 3), np.uint8)
    for k, f in enumerate(held):
        r, c = divmod(k, cols)
        sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = tiles[f]
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data.tobytes())
    return {"src": f"media/{out.name}", "frames": held, "cols": cols, "w": w, "h": h}
