"""encode_sample / collate: ChatML rendering, labels on assistant tokens only, padding, variants."""

import pytest
import torch

from videoutr.data.llava import Sample, Turn
from videoutr.errors import DataFormatError
from videoutr.models.inputs import IGNORE_INDEX, collate, encode_sample, model_inputs


def _messages(sample):
    return [{"role": "user" if t.role == "human" else "assistant", "content": t.value} for t in sample.conversations]


def test_matches_chat_template_and_processor(tiny, dialogue, frames):
    _, processor = tiny
    enc = encode_sample(processor, dialogue, frames)
    text = processor.tokenizer.apply_chat_template(_messages(dialogue), tokenize=False)
    ref = processor(text=[text], videos=[frames], return_tensors="pt")
    assert torch.equal(enc.input_ids, ref["input_ids"][0])
    assert torch.allclose(enc.vision["pixel_values_videos"], ref["pixel_values_videos"])
    start, end = enc.video_span
    assert end - start == 8 * 9 + 1 and enc.num_frames == 8
    assert (enc.input_ids[start:end] == processor.tokenizer.video_token_id).all()


def test_labels_cover_assistant_answers_only(tiny, dialogue, frames):
    _, processor = tiny
    tok = processor.tokenizer
    enc = encode_sample(processor, dialogue, frames)
    labelled = enc.labels != IGNORE_INDEX
    assert torch.equal(enc.labels[labelled], enc.input_ids[labelled])
    assert len(enc.turn_spans) == 2
    answers = [tok.decode(enc.input_ids[a:b]) for a, b in enc.turn_spans]
    assert answers == ["A red circle moves left.<|im_end|>", "top left<|im_end|>"]
    assert int(labelled.sum()) == sum(b - a for a, b in enc.turn_spans)
    for turn, (a, b) in enumerate(enc.turn_spans):
        assert (enc.turn_ids[a:b] == turn).all()
    assert (enc.turn_ids[~labelled] == -1).all()
    assert "What moves?" not in tok.decode(enc.input_ids[labelled])


def test_placeholder_missing_is_prepended_and_no_video_variant_drops_it(tiny, frames):
    _, processor = tiny
    tok = processor.tokenizer
    bare = Sample(id="b", video="b.mp4", conversations=[Turn("human", "What moves?"), Turn("gpt", "A star.")])
    enc = encode_sample(processor, bare, frames)
    after = tok.decode(enc.input_ids[enc.video_span[1] :])
    assert after.startswith("\nWhat moves?<|im_end|>")
    blind = encode_sample(processor, bare, frames, with_video=False)
    assert blind.video_span is None and blind.vision == {} and blind.num_frames == 0
    assert tok.video_token_id not in blind.input_ids.tolist()
    with_tag = Sample(id="c", conversations=[Turn("human", "<video>\nWhat moves?"), Turn("gpt", "A star.")])
    assert torch.equal(encode_sample(processor, with_tag, None).input_ids, blind.input_ids)


def test_prompt_only_ends_with_assistant_header(tiny, dialogue, frames):
    _, processor = tiny
    enc = encode_sample(processor, dialogue, frames, prompt_only=True)
    text = processor.tokenizer.decode(enc.input_ids[enc.video_span[1] :])
    assert text.endswith("Where is it in the last frame?<|im_end|>\n<|im_start|>assistant\n")
    assert "top left" not in text and (enc.labels == IGNORE_INDEX).all()


def test_no_assistant_turn_is_an_error_naming_the_sample(tiny, frames):
    _, processor = tiny
    sample = Sample(id="lonely", conversations=[Turn("human", "<video>\nHi?")])
    with pytest.raises(DataFormatError, match="lonely"):
        encode_sample(processor, sample, frames)
    assert encode_sample(processor, sample, frames, prompt_only=True).turn_spans == []


@pytest.mark.parametrize("side", ["right", "left"])
def test_collate_pads_and_keeps_rows(tiny, dialogue, frames, side):
    _, processor = tiny
    short = Sample(id="s", video="s.mp4", conversations=[Turn("human", "<video>\nColour?"), Turn("gpt", "red")])
    a, b = encode_sample(processor, dialogue, frames), encode_sample(processor, short, frames)
    batch = collate([a, b], pad_id=processor.tokenizer.pad_token_id, padding_side=side)
    assert batch["input_ids"].shape == (2, len(a))
    assert batch["pixel_values_videos"].shape == (2, 8, 3, 48, 48)
    n = len(b)
    row = batch["input_ids"][1, :n] if side == "right" else batch["input_ids"][1, -n:]
    assert torch.equal(row, b.input_ids) and int(batch["attention_mask"][1].sum()) == n
    assert (batch["labels"][1][batch["attention_mask"][1] == 0] == IGNORE_INDEX).all()
    assert set(model_inputs(batch)) == {"input_ids", "attention_mask", "pixel_values_videos"}


def test_collate_refuses_mixed_frame_counts(tiny, dialogue, frames):
    _, processor = tiny
    a, b = encode_sample(processor, dialogue, frames), encode_sample(processor, dialogue, frames[:4])
    with pytest.raises(DataFormatError, match="same frame count"):
        collate([a, b], pad_id=0)
