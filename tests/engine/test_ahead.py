"""Decoding ahead: bounded, in order, failures per video, records as without it."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from videoutr.engine import EngineConfig
from videoutr.engine.ahead import ahead
from videoutr.engine.steps import VideoItem, process_batches, process_videos


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_ahead_submits_at_most_depth_items_beyond_the_one_held(depth):
    submitted = []

    def load(k):
        submitted.append(k)
        if k == 3:
            raise ValueError("broken item")
        return k * k

    with ThreadPoolExecutor(1) as pool:
        for k, (item, future) in enumerate(ahead(pool, load, range(6), depth)):
            assert item == k and len(submitted) <= min(6, k + 1 + depth)
            if k == 3:
                with pytest.raises(ValueError, match="broken item"):
                    future.result()
            else:
                assert future.result() == k * k
    assert submitted == list(range(6))


def test_batches_decoded_ahead_give_the_records_of_each_batch_alone(make_scenes):
    """A broken video in the middle gets its error record; every record equals the one of its
    batch processed alone, nothing decoded ahead or decoded ahead across batches."""
    videos = make_scenes(4) / "videos"
    (videos / "s001b.mp4").write_text("not a video")
    items = [VideoItem(p.stem, str(p), p.name) for p in sorted(videos.glob("*.mp4"))]
    batches, cfg = [items[:3], items[3:]], EngineConfig()
    alone = [process_videos(batch, cfg) for batch in batches]
    assert [r.status for r in alone[0]] == ["ok", "ok", "error"]
    assert list(process_batches(batches, cfg)) == alone == list(process_batches(batches, cfg, decode_ahead=0))


@pytest.mark.parametrize(
    "videos,workers,size", [(48, 1, 16), (48, 2, 12), (33, 1, 11), (3, 2, 2), (1, 8, 1), (0, 1, 1)]
)
def test_batches_are_at_most_batch_videos_and_as_many_for_each_worker(videos, workers, size):
    from videoutr.engine.steps import BATCH_VIDEOS, batch_size

    assert batch_size(videos, workers) == size <= BATCH_VIDEOS
    batches = -(-videos // size)
    assert batches % workers == 0 or batches < workers
