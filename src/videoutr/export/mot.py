"""Trajectories and ground truth as MOTChallenge text files (what TrackEval, CVAT and most trackers read).

One line per box: `frame, id, bb_left, bb_top, bb_width, bb_height, conf, x, y, z` in pixels,
frames counted from 1 (MOTChallenge's convention; the engine counts from 0).

- tracker results: `OUT/<video_id>.txt` with the box's confidence and -1, -1, -1;
- ground truth (from a world's `annotations.jsonl`): `OUT/gt/<video_id>/gt/gt.txt` with
  `frame, id, box, consider, class, visibility` and a `seqinfo.ini`. An object at least half
  visible is scored (`consider` 1, class 1, pedestrian in MOT terms); a mostly hidden one is
  written with class 8 (distractor), so tools ignore engine boxes matched to it, as
  `videoutr engine eval` does. Only the frames the engine looked at are written, so both score the
  same frames.

    write_mot(load_trajectories("runs/utr/trajectories.jsonl"), Path("runs/mot"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from videoutr.engine.quality.metrics import MIN_VISIBLE
from videoutr.engine.types import ClipTrajectories
from videoutr.jsonio import atomic_write_text

SCORED, DISTRACTOR = 1, 8  # MOTChallenge classes: pedestrian (scored) and distractor (ignored)


def _xywh(x1: float, y1: float, x2: float, y2: float) -> str:
    return f"{x1:.4f},{y1:.4f},{x2 - x1:.4f},{y2 - y1:.4f}"


def mot_lines(clip: ClipTrajectories) -> list[str]:
    """The tracker-result lines of one clip, by frame then track id."""
    rows = []
    for track in clip.tracks:
        for p in track.points:
            x1, y1, x2, y2 = p.box_norm
            box = _xywh(x1 * clip.width, y1 * clip.height, x2 * clip.width, y2 * clip.height)
            rows.append(
                (p.frame_idx, track.track_id, f"{p.frame_idx + 1},{track.track_id},{box},{p.confidence:.4f},-1,-1,-1")
            )
    return [line for _, _, line in sorted(rows)]


def gt_lines(video: dict[str, Any], frames: list[int], min_visible: float = MIN_VISIBLE) -> list[str]:
    """Ground-truth lines of one annotated video on `frames` (see the module docstring)."""
    rows = []
    for obj in video["objects"]:
        for f in frames:
            if f >= len(obj["box_xyxy"]) or obj["box_xyxy"][f] is None:
                continue
            visible = float(obj["visible_fraction"][f])
            cls = SCORED if visible >= min_visible else DISTRACTOR
            rows.append((f, obj["id"], f"{f + 1},{obj['id']},{_xywh(*obj['box_xyxy'][f])},1,{cls},{visible:.3f}"))
    return [line for _, _, line in sorted(rows)]


def seqinfo(clip: ClipTrajectories) -> str:
    return (
        f"[Sequence]\nname={clip.video_id}\nimDir=img1\nframeRate={clip.fps:g}\nseqLength={clip.num_frames}\n"
        f"imWidth={clip.width}\nimHeight={clip.height}\nimExt=.jpg\n"
    )


def write_mot(clips: list[ClipTrajectories], out: Path, truth: dict[str, dict[str, Any]] | None = None) -> list[Path]:
    """Write `OUT/<video_id>.txt` per clip, and the ground truth of the clips found in `truth`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for clip in clips:
        path = out / f"{clip.video_id}.txt"
        atomic_write_text(path, "".join(line + "\n" for line in mot_lines(clip)))
        written.append(path)
        if truth is not None and clip.video_id in truth:
            seq = out / "gt" / clip.video_id
            (seq / "gt").mkdir(parents=True, exist_ok=True)
            atomic_write_text(
                seq / "gt" / "gt.txt", "".join(line + "\n" for line in gt_lines(truth[clip.video_id], clip.frame_idx))
            )
            atomic_write_text(seq / "seqinfo.ini", seqinfo(clip))
            written.append(seq / "gt" / "gt.txt")
    return written
