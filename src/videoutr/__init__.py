"""videoutr: make video MLLMs watch the whole video (Video-UTR, ICLR 2025)."""

__version__ = "0.1.0"
