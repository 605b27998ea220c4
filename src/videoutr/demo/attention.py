"""How a demo model uses the frames, on held-out benchmark questions (Findings 2-3).

- `masking_probe`: frame use by masking (`videoutr.eval.frame_use`): the drop in the right
  option's log-probability when each frame is blanked, and how many frames are used;
- `attention_probe`: frame activation (`videoutr.tpl.attention.frame_activation`: per answer token,
  attention over the video summed per frame, all LM layers, renormalised over frames) with each
  question's correct answer as the output, so every model is measured on the same tokens.

    probe = masking_probe("runs/demo/models/utr/seed0", questions, "runs/demo/world", frames=8)
    probe["mean"]["frames_used"]
"""

from __future__ import annotations

import numpy as np


def probe_frames(video_root: str, video: str, frames: int) -> np.ndarray:
    """The (T, H, W, 3) frames a question's video shows the model: decoded as evaluation and training
    decode them (`videoutr.models.load.read_video_frames`), so a probe scores what `eval` scores."""
    from videoutr.models.load import read_video_frames
    from videoutr.models.sampling import FramePolicy

    return read_video_frames(f"{video_root}/{video}", FramePolicy(num_frames=frames)).frames


def masking_probe(model_dir: str, questions: list, video_root: str, frames: int) -> dict:
    """Per question: log P(right option) on the full video, its drop when each frame is blanked,
    and the frames used."""
    from videoutr.eval.benchmarks import BenchItem
    from videoutr.eval.frame_use import frames_used, masking_drops
    from videoutr.models.load import load_video_model

    model, processor = load_video_model(model_dir)
    rows = []
    for q in questions:
        item = BenchItem(
            id=q.id,
            video=q.video,
            question=q.question,
            kind="mcq",
            candidates=q.candidates,
            answer_index=q.candidates.index(q.answer),
            task=q.task,
            temporal=q.temporal,
        )
        video = probe_frames(video_root, q.video, frames)
        full, drops = masking_drops(model, processor, item, video)
        rows.append(
            {
                "id": q.id,
                "task": q.task,
                "full_logprob": round(full, 5),
                "drops": [round(d, 5) for d in drops],
                "frames_used": frames_used(drops),
            }
        )
    mean = float(np.mean([r["frames_used"] for r in rows])) if rows else None
    return {"questions": rows, "mean": {"frames_used": mean}, "frames": frames}


def attention_probe(model_dir: str, questions: list, video_root: str, frames: int) -> dict:
    """Per-question activation numbers, their means, and the maps (for heat-maps) by question id."""
    from videoutr.models.load import load_video_model
    from videoutr.tpl.attention import frame_activation

    model, processor = load_video_model(model_dir)
    rows, maps = [], {}
    for q in questions:
        video = probe_frames(video_root, q.video, frames)
        result = frame_activation(model, processor, video, q.question, answer=q.answer)
        maps[q.id] = {"map": result.matrix.round(5).tolist(), "tokens": result.tokens}
        rows.append(
            {
                "id": q.id,
                "task": q.task,
                "effective_frames": result.effective_frames,
                "active_frames": result.activation_number,
            }
        )
    means = {k: float(np.mean([r[k] for r in rows])) if rows else None for k in ("effective_frames", "active_frames")}
    return {"questions": rows, "mean": means, "maps": maps, "frames": frames}
