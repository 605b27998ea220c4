"""Frame activation: spans map to the right frames, one layer at a time, CLI outputs."""

import json

import numpy as np
import pytest
import torch

from videoutr.data.llava import Sample, Turn
from videoutr.errors import ConfigError
from videoutr.models.inputs import encode_sample
from videoutr.tpl.attention import frame_activation, frame_spans, parse_layers

from ..conftest import moving_square

PROMPT, ANSWER = "What happened?", "A red square moves right."


def _force_attention_onto(monkeypatch, span):
    """Patch Qwen2's eager attention: every query puts (almost) all its mass on `span`."""
    from transformers.models.qwen2 import modeling_qwen2 as q

    def forced(module, query, key, value, attention_mask, scaling, dropout=0.0, **kwargs):
        key_states = q.repeat_kv(key, module.num_key_value_groups)
        value_states = q.repeat_kv(value, module.num_key_value_groups)
        weights = torch.matmul(query, key_states.transpose(2, 3)) * scaling
        if attention_mask is not None:
            weights = weights + attention_mask
        weights[..., span[0] : span[1]] += 40.0  # stays -inf where causality masks it
        weights = torch.softmax(weights, dim=-1, dtype=torch.float32).to(query.dtype)
        return torch.matmul(weights, value_states).transpose(1, 2).contiguous(), weights

    monkeypatch.setattr(q, "eager_attention_forward", forced)


@pytest.mark.parametrize("target", [0, 5, 7])
def test_attention_forced_onto_one_frame_is_attributed_to_that_frame(tiny, monkeypatch, target):
    model, processor = tiny
    frames = moving_square()
    sample = Sample(id="x", conversations=[Turn("human", "<video>\n" + PROMPT), Turn("gpt", ANSWER)])
    spans, per_row = frame_spans(encode_sample(processor, sample, frames), model.config.video_token_id)
    assert per_row == 1 and all(b - a == 9 for a, b in spans) and all(spans[i][1] == spans[i + 1][0] for i in range(7))
    _force_attention_onto(monkeypatch, spans[target])
    result = frame_activation(model, processor, frames, PROMPT, answer=ANSWER)
    assert result.matrix.shape == (8, len(result.tokens)) and "".join(result.tokens) == ANSWER
    assert np.allclose(result.matrix.sum(axis=0), 1.0, atol=1e-5)
    assert (result.matrix.argmax(axis=0) == target).all() and result.matrix[target].min() > 0.99
    assert result.active_frames == [target] and result.activation_number == 1
    assert result.effective_frames == pytest.approx(1.0, abs=0.05)
    assert min(result.video_mass) > 0.99


def test_unforced_model_spreads_and_capture_is_one_layer_at_a_time(tiny):
    model, processor = tiny
    frames = np.repeat(moving_square(), 4, axis=0)  # 32 frames
    result = frame_activation(model, processor, frames, PROMPT, answer=ANSWER, layers="all")
    assert result.matrix.shape[0] == 32 and result.layers == [0, 1]
    assert result.max_alive_layers == 1  # layer 0's weights were freed before layer 1 ran
    last = frame_activation(model, processor, frames, PROMPT, answer=ANSWER, layers="last:1")
    assert last.layers == [1] and not np.allclose(last.matrix, result.matrix)
    assert result.effective_frames > 4 and result.activation_number > 4


def test_parse_layers():
    assert parse_layers("all", 4) == [0, 1, 2, 3]
    assert parse_layers("last:2", 4) == [2, 3]
    assert parse_layers("0,-1", 4) == [0, 3]
    with pytest.raises(ConfigError):
        parse_layers("7", 4)
    with pytest.raises(ConfigError):
        parse_layers("top", 4)


def test_cli_generates_answer_and_writes_json_and_heatmap(tiny_dir, tmp_path):
    from videoutr.video import write_video

    write_video(tmp_path / "v.mp4", moving_square(), fps=8)
    from typer.testing import CliRunner

    from videoutr.cli import app

    result = CliRunner().invoke(
        app,
        [
            "tpl",
            "attention",
            "--model",
            str(tiny_dir),
            "--video",
            str(tmp_path / "v.mp4"),
            "--prompt",
            PROMPT,
            "--out",
            str(tmp_path / "att"),
            "--max-new-tokens",
            "4",
            "--layers",
            "all",
        ],
    )
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert "frame activation:" in result.stdout
    record = json.loads((tmp_path / "att" / "attention.json").read_text())
    matrix = np.array(record["matrix_frames_by_tokens"])
    assert matrix.shape == (8, len(record["tokens"])) and record["threshold"] == pytest.approx(1 / 8)
    assert record["activation_number"] == len(record["active_frames"]) and record["layers"] == [0, 1]
    assert (tmp_path / "att" / "attention.png").stat().st_size > 1000


def test_qwen2vl_layout_maps_rows_to_frame_pairs():
    from videoutr.models.inputs import EncodedSample

    ids = torch.tensor([1, 2] + [9] * 8 + [3])  # 4 frames -> 2 temporal patches x 4 merged tokens
    enc = EncodedSample(
        id="q",
        input_ids=ids,
        labels=ids,
        turn_ids=ids,
        turn_spans=[],
        video_span=(2, 10),
        num_frames=4,
        vision={"video_grid_thw": torch.tensor([[2, 4, 4]])},
    )
    assert frame_spans(enc, 9) == ([(2, 6), (6, 10)], 2)
