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


def masking_probe(model_dir: str, questions: list, video_root: str, frames: int) -> dict:
    """Per question: the drop of log P(right option) when each frame is blanked, frames used."""
    from videoutr.eval.benchmarks import BenchItem
    from videoutr.eval.frame_use import frames_used, masking_drops
    from videoutr.models.load import load_video_model
    from videoutr.video import sample_frames

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
        video = sample_frames(f"{video_root}/{q.video}", num_frames=frames).frames
        drops = masking_drops(model, processor, item, video)
        rows.append(
            {"id": q.id, "task": q.task, "drops": [round(d, 5) for d in drops], "frames_used": frames_used(drops)}
        )
    mean = float(np.mean([r["frames_used"] for r in rows])) if rows else None
    return {"questions": rows, "mean": {"frames_used": mean}, "frames": frames}


def attention_probe(model_dir: str, questions: list, video_root: str, frames: int) -> dict:
    """Per-question activation numbers, their means, and the maps (for heat-maps) by question id."""
    from videoutr.models.load import load_video_model
    from videoutr.tpl.attention import frame_activation
    from videoutr.video import sample_frames

    model, processor = load_video_model(model_dir)
    rows, maps = [], {}
    for q in questions:
        video = sample_frames(f"{video_root}/{q.video}", num_frames=frames).frames
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
