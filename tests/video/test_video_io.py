"""Video I/O: round trip, sampling indices and timestamps, bounded memory, and every bad input."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from videoutr.errors import VideoReadError
from videoutr.video import fps_indices, probe_video, sample_frames, uniform_indices, write_video


def moving_square_frames(num_frames: int, height: int = 48, width: int = 64) -> np.ndarray:
    """A flat red square moving right by 2 px per frame over a mid-grey background."""
    frames = np.full((num_frames, height, width, 3), 128, np.uint8)
    for i in range(num_frames):
        frames[i, 10:26, 2 + 2 * i : 18 + 2 * i] = (220, 30, 30)
    return frames


@pytest.fixture()
def clip(tmp_path: Path) -> tuple[Path, np.ndarray]:
    frames = moving_square_frames(20)
    path = tmp_path / "clip.mp4"
    write_video(path, frames, fps=10)
    return path, frames


def test_round_trip_keeps_pixels_and_metadata(clip):
    path, frames = clip
    info = probe_video(path)
    assert (info.num_frames, info.fps, info.width, info.height) == (20, 10.0, 64, 48)
    assert info.duration_s == pytest.approx(2.0)
    decoded = sample_frames(path).frames
    assert decoded.shape == frames.shape
    assert np.abs(decoded.astype(int) - frames).mean() < 3.0


def test_uniform_sampling_returns_indices_timestamps_and_the_right_frames(clip):
    path, frames = clip
    sampled = sample_frames(path, num_frames=5)
    assert sampled.frame_idx == [0, 5, 10, 14, 19]
    assert sampled.timestamps_s == pytest.approx([i / 10 for i in sampled.frame_idx])
    for k, index in enumerate(sampled.frame_idx):
        # the square's left edge tells which frame was decoded
        red = (sampled.frames[k, 18, :, 0] > 170) & (sampled.frames[k, 18, :, 1] < 90)
        assert np.flatnonzero(red)[0] == pytest.approx(2 + 2 * index, abs=1)


def test_fps_sampling_with_upper_bound(clip):
    path, _ = clip
    assert sample_frames(path, fps=2).frame_idx == [0, 5, 10, 15]
    assert sample_frames(path, fps=5, max_frames=3).frame_idx == [0, 10, 19]


@pytest.mark.parametrize(
    ("total", "n", "expected"),
    [(10, 1, [0]), (10, 3, [0, 4, 9]), (3, 8, [0, 1, 2]), (0, 4, [])],
)
def test_uniform_indices(total, n, expected):
    assert uniform_indices(total, n) == expected


def test_fps_indices_thins_to_the_bound():
    assert fps_indices(100, 30.0, 1.0) == [0, 30, 60, 90]
    assert len(fps_indices(3000, 30.0, 1.0, max_frames=32)) == 32


def test_short_video_returns_what_exists(clip):
    path, _ = clip
    sampled = sample_frames(path, num_frames=32)
    assert sampled.num_frames == 20 and sampled.frames.shape[0] == 20


def test_sampling_few_frames_from_a_long_video_holds_only_those(tmp_path):
    path = tmp_path / "long.mp4"
    write_video(path, (np.full((240, 320, 3), i % 256, np.uint8) for i in range(600)), fps=30)
    tracemalloc.start()
    sampled = sample_frames(path, num_frames=8)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    whole_video = 600 * 240 * 320 * 3
    assert sampled.frames.shape == (8, 240, 320, 3)
    assert peak < whole_video / 10


def _corrupt(path: Path, tmp_path: Path) -> Path:
    """Damage the compressed frames (the mdat payload) and leave the container's headers intact."""
    data = bytearray(path.read_bytes())
    start = data.find(b"mdat") + 4
    size = int.from_bytes(data[start - 8 : start - 4], "big")
    for i in range(start + 20, start + size - 8, 5):
        data[i] = 0xFF
    out = tmp_path / "corrupt.mp4"
    out.write_bytes(bytes(data))
    return out


def _truncated(path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "truncated.mp4"
    out.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return out


def _empty(path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "empty.mp4"
    out.write_bytes(b"")
    return out


def _text(path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "notes.mp4"
    out.write_text("this is not a video\n" * 50)
    return out


def _missing(path: Path, tmp_path: Path) -> Path:
    return tmp_path / "nowhere.mp4"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("make_bad", [_corrupt, _truncated, _empty, _text, _missing])
def test_bad_input_raises_one_typed_error_naming_the_file(clip, tmp_path, make_bad):
    path, _ = clip
    bad = make_bad(path, tmp_path)
    with pytest.raises(VideoReadError) as error:
        sample_frames(bad, num_frames=8)
    assert str(bad) in str(error.value)
    assert error.value.reason


def test_zero_frame_video_is_rejected(tmp_path):
    import av

    path = tmp_path / "zero.mp4"
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        container.start_encoding()  # header and an empty video track, no frames
    assert path.stat().st_size > 0
    with pytest.raises(VideoReadError, match="zero frames|not a readable|no video"):
        sample_frames(path, num_frames=4)


def test_opencv_colour_conversion_matches_libswscale_and_falls_back_elsewhere():
    from av import VideoFrame

    from videoutr.video.read import to_rgb

    rgb = np.random.default_rng(0).integers(0, 255, (33, 47, 3), dtype=np.uint8)
    fallbacks = [
        VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p"),  # odd size
        VideoFrame.from_ndarray(rgb[:32, :46], format="rgb24").reformat(format="yuv444p"),
        VideoFrame.from_ndarray(rgb, format="rgb24"),
    ]
    for frame in fallbacks:
        assert np.array_equal(to_rgb(frame), frame.to_ndarray(format="rgb24"))
    even = VideoFrame.from_ndarray(rgb[:32, :46], format="rgb24").reformat(format="yuv420p")
    assert np.abs(to_rgb(even).astype(int) - even.to_ndarray(format="rgb24")).max() <= 3


def test_frames_halved_while_decoding_match_the_decoded_frames_halved(tmp_path):
    """yuv420p planes halved before the conversion (all but the last time) give the pixels of the
    full frames halved after it; other formats are halved after; sides cropped to whole blocks."""
    from av import VideoFrame

    from videoutr.video.halve import halve_stack
    from videoutr.video.read import to_rgb

    frames = np.zeros((6, 200, 328, 3), np.uint8)
    for t in range(6):
        frames[t, 40:120, 30 + 20 * t : 110 + 20 * t] = (220, 40, 40)
        frames[t, 130:190, 200:260] = (30, 60 + 20 * t, 200)
    write_video(tmp_path / "big.mp4", frames, fps=8)
    full, small = sample_frames(tmp_path / "big.mp4"), sample_frames(tmp_path / "big.mp4", max_side=60)
    assert small.scale == 0.125 and small.frames.shape == (6, 24, 40, 3)  # 328 -> 41 <= 60; 200 -> 192 -> 24
    assert small.frame_idx == full.frame_idx
    expected = halve_stack(full.frames, 3).astype(int)
    error = np.abs(small.frames - expected)  # differs only at a colour's edge, where the conversion clips
    assert error.mean() < 0.3 and np.percentile(error, 99) <= 2
    assert sample_frames(tmp_path / "big.mp4", max_side=328).scale == 1.0

    rgb = np.random.default_rng(1).integers(0, 255, (50, 70, 3), dtype=np.uint8)
    other = VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv444p")
    assert np.array_equal(to_rgb(other, times=2), halve_stack(to_rgb(other)[None], 2)[0])


def test_halvings_stop_at_the_side_or_before_a_side_vanishes():
    from videoutr.video.halve import halved_size, halvings

    assert halvings(1280, 720, 320) == 2 and (halved_size(720, 2), halved_size(1280, 2)) == (180, 320)
    assert halvings(1920, 1080, 320) == 3 and halved_size(1080, 3) == 134  # cropped to 1072 rows first
    assert halvings(128, 128, 320) == halvings(4000, 3000, None) == 0
    times = halvings(4000, 6, 320)
    assert times == 1 and halved_size(6, times) == 2


def test_video_without_frame_count_in_its_header_is_counted(tmp_path):
    frames = moving_square_frames(12)
    path = tmp_path / "clip.mkv"  # Matroska records no frame count
    write_video(path, frames, fps=10)
    sampled = sample_frames(path, num_frames=4)
    assert sampled.info.num_frames == 12 and sampled.frame_idx == [0, 4, 7, 11]


def test_the_one_thread_conversion_is_offered_exactly_where_pyav_has_it_with_the_same_pixels(clip):
    import av

    from videoutr.video.read import ONE_THREAD_CONVERT

    with av.open(str(clip[0])) as container:
        frame = next(container.decode(video=0))
        default = frame.to_ndarray(format="rgb24")
        try:
            one_thread = frame.to_ndarray(format="rgb24", threads=1)
        except TypeError:  # PyAV 15: no threads option, so none may be passed
            assert ONE_THREAD_CONVERT == {}
        else:
            assert ONE_THREAD_CONVERT == {"threads": 1}
            assert np.array_equal(one_thread, default)
