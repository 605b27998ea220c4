"""Evaluation: benchmark loaders, MCQ scoring (generation / option log-likelihood), open-QA
metrics, frame-ablation probes, results and plots, and an lmms-eval plugin (`videoutr.eval.lmms`).
"""
