"""Which frame stands for the whole video when one frame is shown (TPL, frame-ablation probes).

>>> key_frame_index(32, "first"), key_frame_index(32, "middle"), key_frame_index(32, "last")
(0, 16, 31)
>>> key_frame_index(32, "random", "sample-7") == key_frame_index(32, "random", "sample-7")
True
>>> middle_frames(8), middle_frames(7)
((3, 4), (3, 3))
"""

from __future__ import annotations

import hashlib

from videoutr.errors import ConfigError

KEY_FRAMES = ("first", "middle", "last", "random")


def key_frame_index(num_frames: int, key_frame: str = "first", sample_id: str = "", seed: int | str = 0) -> int:
    """Index of the key frame among `num_frames`; "random" is drawn from (seed, sample id), so reruns agree."""
    if key_frame not in KEY_FRAMES:
        raise ConfigError(f"unknown key frame {key_frame!r}; use one of {', '.join(KEY_FRAMES)}")
    if key_frame == "first":
        return 0
    if key_frame == "last":
        return num_frames - 1
    if key_frame == "middle":
        return num_frames // 2
    digest = hashlib.sha256(f"{seed}:{sample_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % num_frames


def middle_frames(num_frames: int) -> tuple[int, int]:
    """The frames half-way through `num_frames`: the two middle ones of an even count, the middle one
    twice of an odd count; time reversal maps the pair onto itself."""
    return (num_frames - 1) // 2, num_frames // 2
