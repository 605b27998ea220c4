"""Frame-ablation probes: the same question under altered videos, to see whether a model uses time.

Conditions (registry by short name):
- `full`      the T sampled frames, in order;
- `single`    one key frame only, as a one-frame video (`key_frame`: first | middle | last | random);
- `first` / `last`  the first / last frame shown T times: a still video of one moment, as long as
                the full one (so the prompt keeps its length and positions);
- `shuffled`  the T frames in a seeded random order that is never the identity (T > 1);
- `reversed`  the T frames in reverse order;
- `none`      no video at all: the prompt carries no video tokens.

A model that ignores time scores the same with shuffled frames as with the full video; one that
ignores the video scores the same with none. `time_verdict` says so from the per-condition scores.

    >>> condition_indices(4, "reversed")
    [3, 2, 1, 0]
    >>> condition_indices(5, "ends")
    [0, 0, 0, 4, 4]
"""

from __future__ import annotations

import math
import zlib

import numpy as np

from videoutr.errors import ConfigError
from videoutr.video.keyframe import key_frame_index

CONDITIONS = ("full", "single", "first", "last", "ends", "shuffled", "reversed", "none")


def parse_conditions(text: str | list[str]) -> list[str]:
    """ "full,shuffled" → ["full", "shuffled"]; an unknown name lists the known ones."""
    names = [c.strip() for c in (text.split(",") if isinstance(text, str) else text) if c.strip()]
    unknown = [c for c in names if c not in CONDITIONS]
    if unknown or not names:
        raise ConfigError(f"conditions {unknown or names}: choose from {', '.join(CONDITIONS)}")
    return list(dict.fromkeys(names))


def shuffle_order(num_frames: int, seed: int | str = 0) -> list[int]:
    """A seeded permutation of range(num_frames) that differs from the identity when T > 1."""
    rng = np.random.default_rng(_seed(seed))
    order = list(range(num_frames))
    if num_frames < 2:
        return order
    while order == sorted(order):
        order = [int(i) for i in rng.permutation(num_frames)]
    return order


def condition_indices(
    num_frames: int, condition: str, key_frame: str = "first", seed: int | str = 0
) -> list[int] | None:
    """Which of the T sampled frames a condition shows, in order; None for `none` (no video)."""
    if condition == "full":
        return list(range(num_frames))
    if condition == "single":
        return [key_frame_index(num_frames, key_frame, sample_id=str(seed))]
    if condition in ("first", "last"):
        return [0 if condition == "first" else num_frames - 1] * num_frames
    if condition == "ends":
        return [0] * (num_frames - num_frames // 2) + [num_frames - 1] * (num_frames // 2)
    if condition == "shuffled":
        return shuffle_order(num_frames, seed)
    if condition == "reversed":
        return list(range(num_frames - 1, -1, -1))
    if condition == "none":
        return None
    raise ConfigError(f"condition {condition!r}: choose from {', '.join(CONDITIONS)}")


def frames_for(frames: np.ndarray, condition: str, key_frame: str = "first", seed: int | str = 0) -> np.ndarray | None:
    """The (T', H, W, 3) frames a condition shows, or None for `none` (no video)."""
    indices = condition_indices(len(frames), condition, key_frame, seed)
    return None if indices is None else frames[indices]


def _seed(seed: int | str) -> int:
    return seed if isinstance(seed, int) else zlib.crc32(str(seed).encode("utf-8"))


def _margin(p: float, n: int) -> float:
    """Half-width of a ~95% interval for a difference of two accuracies over n items each."""
    if n <= 0:
        return math.inf
    return max(0.02, 1.96 * math.sqrt(max(2 * p * (1 - p), 1e-12) / n))


MIN_ITEMS = 20  # below this many scored items per condition the verdict is "inconclusive"


def time_verdict(scores: dict[str, dict]) -> dict:
    """Compare conditions to `full`: does the model use time (shuffled/reversed), the middle of the
    video (ends) and the video at all (none)?

    `scores[condition]` holds `accuracy` (or None) and `n`, and optionally `answer_logprob`
    (mean log-likelihood of the correct answer). Returns the drops and a one-line statement.
    """
    full = scores.get("full")
    if not full or full.get("accuracy") is None:
        return {"statement": "no 'full' condition scored: nothing to compare"}
    out: dict = {"drops": {}}
    p, n = full["accuracy"], full.get("n", 0)
    if n < MIN_ITEMS:
        out.update(
            ignores_time=None,
            ignores_video=None,
            statement=f"inconclusive: only {n} items scored (need >= {MIN_ITEMS} per condition)",
        )
    for cond in (c for c in CONDITIONS if c != "full"):
        if cond in scores and scores[cond].get("accuracy") is not None:
            drop = p - scores[cond]["accuracy"]
            out["drops"][cond] = {
                "accuracy_drop": drop,
                "margin": _margin(p, n),
                "same_as_full": abs(drop) <= _margin(p, n),
            }
            if full.get("answer_logprob") is not None and scores[cond].get("answer_logprob") is not None:
                out["drops"][cond]["answer_logprob_drop"] = full["answer_logprob"] - scores[cond]["answer_logprob"]
    if n < MIN_ITEMS:
        return out
    shuffled = out["drops"].get("shuffled")
    none = out["drops"].get("none")
    parts = []
    if shuffled is not None:
        parts.append(
            "the model IGNORES TIME: shuffled frames score the same as the full video"
            if shuffled["same_as_full"]
            else f"the model uses frame order: shuffling costs {shuffled['accuracy_drop']:+.3f} accuracy"
        )
    ends = out["drops"].get("ends")
    if ends is not None:
        parts.append(
            "the two ends suffice: the first and last frames alone score the same as the full video"
            if ends["same_as_full"]
            else f"the middle matters: keeping only the two ends costs {ends['accuracy_drop']:+.3f}"
        )
    if none is not None:
        parts.append(
            "it IGNORES THE VIDEO: no video scores the same as the full video"
            if none["same_as_full"]
            else f"the video matters: removing it costs {none['accuracy_drop']:+.3f}"
        )
    out["ignores_time"] = bool(shuffled and shuffled["same_as_full"])
    out["ignores_video"] = bool(none and none["same_as_full"])
    out["statement"] = "; ".join(parts) if parts else "add the shuffled / none conditions to judge time use"
    return out
