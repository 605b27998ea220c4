"""Real-footage test clips: photographs that scikit-image ships, cut out and moved over photographic
backgrounds by a static or panning camera, with exact ground truth in the world's
`annotations.jsonl` schema (so `videoutr engine eval` scores the engine on them).

    videoutr footage --out runs/footage --num-videos 6 --camera both
"""

from videoutr.footage.generate import FootageConfig, generate_footage

__all__ = ["FootageConfig", "generate_footage"]
