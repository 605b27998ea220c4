"""Frame activation of a demo model over held-out benchmark questions (Findings 2-3).

Uses `videoutr.tpl.attention.frame_activation` (per answer token, attention over the video summed
per frame, all LM layers, renormalised over frames) with each question's correct answer as the
output, so every model is measured on the same tokens.

    >>> probe = attention_probe("runs/demo/models/utr/seed0", questions, "runs/demo/world", frames=8)
    >>> probe["mean"]["effective_frames"]
"""

from __future__ import annotations

import numpy as np


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
        rows.append({"id": q.id, "task": q.task, "effective_frames": result.effective_frames,
                     "active_frames": result.activation_number})
    means = {k: float(np.mean([r[k] for r in rows])) if rows else None for k in ("effective_frames", "active_frames")}
    return {"questions": rows, "mean": means, "maps": maps, "frames": frames}
