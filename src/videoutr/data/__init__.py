"""The dialogue sample that flows between stages, in LLaVA format, and data mixtures."""

from videoutr.data.llava import Sample, Turn, load_samples, save_samples

__all__ = ["Sample", "Turn", "load_samples", "save_samples"]
