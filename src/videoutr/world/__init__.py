"""The synthetic video world: procedural videos with exact ground truth, captions and a benchmark.

    >>> from videoutr.world import generate_world, load_annotations, world_tiny
    >>> out = generate_world(world_tiny(seed=0), "runs/tiny-world")
    >>> anns = load_annotations(out)
    >>> frames = render_frames(anns[0])            # the same pixels as videos/<id>.mp4, before H.264

Modules: `palette` (colours, shapes, sizes, directions, grid places), `config` (WorldConfig and
presets), `annotation` (ground-truth types), `simulate` (scene sampling), `render` (pure
rendering and measured visibility), `events` (events from per-frame data, reversed twins),
`captions`, `questions` (the benchmark), `generate` (the world folder).
"""

from videoutr.world.annotation import Event, ObjectTrack, VideoAnnotation, load_annotations
from videoutr.world.config import WorldConfig, world_default, world_preset, world_tiny
from videoutr.world.events import derive_events, reverse_annotation
from videoutr.world.generate import generate_world
from videoutr.world.palette import COLOURS, PALETTE, SHAPES, SIZE_CLASSES
from videoutr.world.questions import TASKS, BenchQuestion, bench_questions, load_bench
from videoutr.world.render import render_frame, render_frames, render_labels, shape_mask

__all__ = [
    "COLOURS",
    "PALETTE",
    "SHAPES",
    "SIZE_CLASSES",
    "TASKS",
    "BenchQuestion",
    "Event",
    "ObjectTrack",
    "VideoAnnotation",
    "WorldConfig",
    "bench_questions",
    "derive_events",
    "generate_world",
    "load_annotations",
    "load_bench",
    "render_frame",
    "render_frames",
    "render_labels",
    "reverse_annotation",
    "shape_mask",
    "world_default",
    "world_preset",
    "world_tiny",
]
