"""load_video_model / frame_policy: supported classes, clear error otherwise."""

import pytest

from videoutr.models.load import FramePolicy, UnsupportedModelError, frame_policy, load_video_model


def test_loads_tiny_in_eval_mode_with_dtype(tiny_dir):
    import torch

    model, processor = load_video_model(tiny_dir, dtype="bfloat16")
    assert not model.training and model.dtype == torch.bfloat16
    assert type(model).__name__ == "LlavaOnevisionForConditionalGeneration"
    assert processor.video_token == "<video>"


def test_frame_policy_reads_sidecar_then_processor(tiny_dir, tiny):
    _, processor = tiny
    assert frame_policy(tiny_dir, processor) == FramePolicy(num_frames=8)
    assert frame_policy(tiny_dir, processor, frames=32) == FramePolicy(num_frames=32)
    assert frame_policy("/no/such/dir", processor) == FramePolicy(num_frames=8)  # processor's num_frames


def test_model_without_video_support_is_refused(text_only_model):
    with pytest.raises(UnsupportedModelError, match="qwen2.*no video support.*llava_onevision"):
        load_video_model(text_only_model)


def test_missing_model_is_a_clear_error(tmp_path):
    from videoutr.errors import VideoutrError

    with pytest.raises(VideoutrError, match="no-model"):
        load_video_model(tmp_path / "no-model")


def test_model_input_options_validate_and_reach_the_policy(tiny_dir, tiny):
    from videoutr.errors import ConfigError
    from videoutr.models.options import InputOptions

    _, processor = tiny
    policy = InputOptions(fps=1.0, max_frames=6).policy(tiny_dir, processor)
    assert (policy.num_frames, policy.fps, policy.max_frames) == (None, 1.0, 6)  # --fps replaces uniform N
    assert InputOptions().policy(tiny_dir, processor).num_frames == 8  # the checkpoint's sidecar
    with pytest.raises(ConfigError, match="--min-pixels 9 > --max-pixels 4"):
        InputOptions(min_pixels=9, max_pixels=4).validate()
    with pytest.raises(ConfigError, match="--fps -1"):
        InputOptions(fps=-1).validate()
