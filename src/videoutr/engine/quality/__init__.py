"""The engine's quality against ground truth: tracking metrics, answer correctness, overlays to check by eye."""
