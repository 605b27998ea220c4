"""`videoutr export`: a run's results in the formats other tools read.

- engine runs: MOTChallenge text files (`mot`, with ground truth when `--truth` is given) and a
  FiftyOne video-labels dataset (`fiftyone`);
- TPL scores and eval / probe runs: Parquet (`parquet`).
"""
