"""The UTR data engine: expert detectors -> tracked attribute trajectories -> bidirectional-query
dialogues, run locally or on Ray.

    from videoutr.engine import EngineConfig, run_engine
    stats = run_engine("runs/world/videos", "runs/utr", EngineConfig())

The subpackages follow the paper's pipeline:

- `detect/`: detectors by short name (`make_detector`) and per-detection attributes;
- `track/`: ByteTrack lanes, tracklet stitching, camera motion, cleaned paths, change points, kinematics;
- `query/`: bidirectional questions -> multi-turn dialogues, and the optional LLM rephrasing;
- `quality/`: tracking metrics and answer correctness against ground truth, overlays to check by eye;

and the run itself: `config` (the schema), `steps` (one function per step), `executors/` (local or
Ray), `writers` (the output files), `run` (discover, resume, execute, finalize).

Stage types: `supervision.Detections` per frame, `ClipTrajectories` per clip,
`videoutr.data.llava.Sample` per dialogue.
"""

from videoutr.engine.config import EngineConfig, QueryConfig, TrackConfig
from videoutr.engine.run import discover_videos, run_engine
from videoutr.engine.types import ClipTrajectories, Event, Segment, TrackPoint, Trajectory

__all__ = [
    "ClipTrajectories",
    "EngineConfig",
    "Event",
    "QueryConfig",
    "Segment",
    "TrackConfig",
    "TrackPoint",
    "Trajectory",
    "discover_videos",
    "run_engine",
]
