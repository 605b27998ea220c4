"""Frame use by masking: which frames a model's answer depends on, whatever its architecture.

For a multiple-choice question, each of the T frames in turn is replaced by a blank frame (every
pixel the frame's median colour: the background, with the objects gone) and the probability the
model gives the right option among the candidates (softmax over the options' log-likelihoods) is
measured again. A frame is *used* when masking it lowers that log-probability by at least
`threshold` nats; `frames_used` counts them, and `answer_share` tells how much of the cost falls on
the frames that show the answer (where a world's truth says which those are). Attention maps
(`videoutr.tpl.attention`) need the model's internals and, in a model of two layers, spread over
every frame whatever it relies on; masking asks the answer itself.

    full, drops = masking_drops(model, processor, item, frames)
    frames_used(drops), answer_share(drops, [0, 1])
"""

from __future__ import annotations

import numpy as np

USED_THRESHOLD = 0.1  # nats of the right option's log-probability: ~10% of its probability


def blank_like(frame: np.ndarray) -> np.ndarray:
    """A frame of the frame's per-channel median colour (its background where objects are small)."""
    return np.broadcast_to(
        np.median(frame.reshape(-1, frame.shape[-1]), axis=0).astype(frame.dtype), frame.shape
    ).copy()


def masked_views(frames: np.ndarray) -> list[np.ndarray]:
    """T copies of the (T, H, W, 3) frames, the i-th with frame i blanked."""
    views = []
    for i in range(len(frames)):
        view = frames.copy()
        view[i] = blank_like(frames[i])
        views.append(view)
    return views


def right_option_logprob(model, processor, item, frames: np.ndarray) -> float:
    """log P(right option) among the item's options (softmax over option log-likelihoods)."""
    from videoutr.eval.scoring import option_logliks

    lls = np.asarray(option_logliks(model, processor, item, frames), dtype=np.float64)
    top = lls.max()
    return float(lls[item.answer_index] - top - np.log(np.exp(lls - top).sum()))


def masking_drops(model, processor, item, frames: np.ndarray) -> tuple[float, list[float]]:
    """log P(right option | full video), and per frame that minus log P(right option | the frame blanked)."""
    full = right_option_logprob(model, processor, item, frames)
    return full, [full - right_option_logprob(model, processor, item, view) for view in masked_views(frames)]


def frames_used(drops: list[float], threshold: float = USED_THRESHOLD) -> int:
    """How many frames' masking costs the right option at least `threshold` nats."""
    return int(sum(d >= threshold for d in drops))


def answer_share(drops: list[float], answer_frames: list[int]) -> float | None:
    """Share of the masking cost (the positive drops) that falls on `answer_frames`, the frames that
    show the answer; None when blanking no frame costs anything. A model that spreads its cost evenly
    gets len(answer_frames) / T."""
    cost = np.clip(np.asarray(drops, dtype=np.float64), 0.0, None)
    total = cost.sum()
    return float(cost[list(answer_frames)].sum() / total) if total > 0 else None
