"""The UTR data engine: expert detectors -> tracked attribute trajectories -> bidirectional-query
dialogues, run locally or on Ray.

    >>> from videoutr.engine import EngineConfig, run_engine
    >>> stats = run_engine("runs/world/videos", "runs/utr", EngineConfig())

Stage types: `supervision.Detections` per frame, `ClipTrajectories` per clip,
`videoutr.data.llava.Sample` per dialogue.
"""

from videoutr.engine.config import EngineConfig, QueryConfig, TrackConfig
from videoutr.engine.run import discover_videos, run_engine
from videoutr.engine.types import ClipTrajectories, Event, Segment, TrackPoint, Trajectory

__all__ = [
    "ClipTrajectories", "EngineConfig", "Event", "QueryConfig", "Segment", "TrackConfig", "TrackPoint",
    "Trajectory", "discover_videos", "run_engine",
]
