"""The tiny LLaVA-OneVision: init, save, load with plain transformers, forward; the 7B shape."""

import json

import numpy as np
import pytest
import torch

from videoutr.errors import ConfigError
from videoutr.models.tiny import PRESETS, build_tiny, get_preset, video_utr_7b_config


def test_saved_checkpoint_loads_with_plain_transformers(tiny_dir, frames):
    from transformers import AutoProcessor, LlavaOnevisionForConditionalGeneration

    model = LlavaOnevisionForConditionalGeneration.from_pretrained(tiny_dir)
    processor = AutoProcessor.from_pretrained(tiny_dir)
    assert (tiny_dir / "model.safetensors").is_file()
    tok = processor.tokenizer
    assert model.config.video_token_id == tok.video_token_id == tok.convert_tokens_to_ids("<video>")
    assert model.config.image_token_id == tok.convert_tokens_to_ids("<image>")
    assert model.config.text_config.vocab_size == len(tok)
    assert tok.eos_token == "<|im_end|>" and tok.pad_token == "<|endoftext|>"
    prompt = tok.apply_chat_template(
        [{"role": "user", "content": "<video>\nWhat moves?"}], tokenize=False, add_generation_prompt=True
    )
    assert prompt.startswith("<|im_start|>system\n") and prompt.endswith("<|im_start|>assistant\n")
    inputs = processor(text=[prompt], videos=[frames], return_tensors="pt")
    cfg = PRESETS["tiny"]
    assert int((inputs["input_ids"] == tok.video_token_id).sum()) == cfg.video_tokens(8) == 8 * 9 + 1
    assert inputs["pixel_values_videos"].shape == (1, 8, 3, 48, 48)
    with torch.no_grad():
        out = model(**inputs)
    assert out.logits.shape == (1, inputs["input_ids"].shape[1], len(tok))
    assert torch.isfinite(out.logits).all()


def test_sidecar_records_frames_per_video(tiny_dir):
    sidecar = json.loads((tiny_dir / "videoutr.json").read_text())
    assert sidecar["num_frames"] == 8 and sidecar["preset"] == "tiny"
    assert sidecar["tokens_per_frame"] == 9


def test_tokenizer_keeps_world_words_whole(tiny):
    _, processor = tiny
    pieces = processor.tokenizer.tokenize("A magenta triangle moves up to the bottom right in frame 3.")
    for word in ["Ġmagenta", "Ġtriangle", "Ġmoves", "Ġbottom", "Ġright", "Ġframe"]:
        assert word in pieces
    assert processor.tokenizer.decode(processor.tokenizer("über 日本")["input_ids"]) == "über 日本"


def test_same_seed_same_weights_other_seed_differs():
    a, _, _ = build_tiny("tiny", seed=3)
    b, _, _ = build_tiny("tiny", seed=3)
    c, _, _ = build_tiny("tiny", seed=4)
    wa, wb, wc = (m.model.language_model.layers[0].mlp.up_proj.weight for m in (a, b, c))
    assert torch.equal(wa, wb) and not torch.equal(wa, wc)


def test_unknown_preset_lists_known():
    with pytest.raises(ConfigError, match="small, tiny"):
        get_preset("huge")


def test_video_utr_7b_shape_on_meta_device():
    from transformers import LlavaOnevisionForConditionalGeneration

    config = video_utr_7b_config()
    with torch.device("meta"):
        model = LlavaOnevisionForConditionalGeneration(config)
    n_params = sum(p.numel() for p in model.parameters())
    assert 7.9e9 < n_params < 8.2e9  # LLaVA-OneVision-Qwen2-7B / Video-UTR-7b: 8.03 B
    side = config.vision_config.image_size // config.vision_config.patch_size
    assert side == 27 and ((side + 1) // 2) ** 2 == 196  # 196 tokens per frame
    assert config.vision_config.hidden_size == 1152 and config.text_config.hidden_size == 3584


def _ids(text: str) -> list[int]:
    """Token ids written as one space-separated line of text."""
    return [int(word) for word in text.split()]


def test_the_shipped_template_renders_the_prompt_the_assets_were_trained_on():
    """The committed checkpoints learned one exact prompt; the template the tiny model ships must
    render it token for token (ids frozen from the hand-written ChatML the assets were built with)."""
    from importlib.resources import files

    from transformers import AutoProcessor

    from videoutr.data.llava import Sample, Turn
    from videoutr.models.inputs import encode_sample
    from videoutr.models.tokenizer import CHAT_TEMPLATE

    asset = files("videoutr") / "assets" / "tiny_base"
    processor = AutoProcessor.from_pretrained(str(asset))
    assert processor.chat_template == CHAT_TEMPLATE
    sample = Sample(
        id="a",
        conversations=[
            Turn("human", "<video>\nWhat colour is the star?"),
            Turn("gpt", "red"),
            Turn("human", "Where is it?"),
            Turn("gpt", "top left"),
        ],
    )
    enc = encode_sample(processor, sample, np.zeros((2, 48, 48, 3), np.uint8))
    prefix = _ids(
        "1 87 93 593 73 81 203 61 83 89 267 494 267 402 80 84 74 89 80 267 384 532 88 322 88 18 2 203 1 89 87 337 203"
    )
    suffix = _ids(
        "203 59 624 629 368 225 532 269 375 35 2 203 1 69 384 532 88 322 88 203 86 377 2 203 1 89 87 337 "
        "203 59 263 494 225 532 601 35 2 203 1 69 384 532 88 322 88 203 533 282 2 203"
    )
    start, end = enc.video_span
    assert enc.input_ids[:start].tolist() == prefix and enc.input_ids[end:].tolist() == suffix
    assert set(enc.input_ids[start:end].tolist()) == {processor.tokenizer.video_token_id} and end - start == 19
    assert [t for t in enc.labels.tolist() if t != -100] == [86, 377, 2, 533, 282, 2]  # answers + <|im_end|>
    prompt = encode_sample(processor, sample, np.zeros((2, 48, 48, 3), np.uint8), prompt_only=True)
    assert prompt.input_ids[prompt.video_span[1] :].tolist() == suffix[:-4]  # ends with the generation prompt


def test_system_prompt_and_chat_template_overrides(tmp_path):
    from importlib.resources import files

    from transformers import AutoProcessor

    from videoutr.data.llava import Sample, Turn
    from videoutr.models.inputs import encode_sample
    from videoutr.models.options import InputOptions

    processor = AutoProcessor.from_pretrained(str(files("videoutr") / "assets" / "tiny_base"))
    sample = Sample(id="a", conversations=[Turn("human", "<video>\nWhat moves?"), Turn("gpt", "red")])
    frames = np.zeros((2, 48, 48, 3), np.uint8)
    text = processor.tokenizer.decode(encode_sample(processor, sample, frames, system="Be brief.").input_ids)
    assert text.startswith("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n<video>")
    (tmp_path / "t.jinja").write_text(
        "{% for m in messages %}[{{ m['role'] }}]{% for p in m['content'] %}"
        "{% if p['type'] == 'video' %}<video>{% else %}{{ p['text'] }}{% endif %}"
        "{% endfor %}<|im_end|>{% endfor %}"
    )
    InputOptions(chat_template=str(tmp_path / "t.jinja")).apply(processor)
    enc = encode_sample(processor, sample, frames)
    assert processor.tokenizer.decode(enc.labels[enc.labels != -100]) == "red<|im_end|>"
    assert processor.tokenizer.decode(enc.input_ids).startswith("[user]<video>")
    with pytest.raises(ConfigError, match="--chat-template .*file not found"):
        InputOptions(chat_template=str(tmp_path / "missing.jinja")).apply(processor)
