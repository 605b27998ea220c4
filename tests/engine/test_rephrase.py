"""Optional rephrasing: rewrites kept only when they keep the facts; a tiny chat model runs end to end."""

import json

import pytest

from videoutr.data.llava import VIDEO_TOKEN, Sample, Turn, load_samples, save_samples
from videoutr.engine.query.rephrase import HFRephraser, keeps_facts, rephrase_run, rephrase_sample


@pytest.mark.parametrize(
    "candidate, ok",
    [
        ("What is in the top left at frame 4?", True),
        ("What is in the top left at frame 5?", False),  # a number changed
        ("What is in the corner at frame 4?", False),  # a place word lost
        ("", False),
        (VIDEO_TOKEN + " What is in the top left at frame 4?", False),
    ],
)
def test_keeps_facts(candidate, ok):
    assert keeps_facts("At frame 4, what is in the top left?", candidate) is ok


def _sample() -> Sample:
    return Sample(
        "v-utr0",
        [
            Turn("human", f"{VIDEO_TOKEN}\nAt frame 4, what is in the top left?"),
            Turn("gpt", "A red circle."),
            Turn("human", "Which object stops?"),
            Turn("gpt", "The red circle."),
        ],
        video="v.mp4",
        source="utr",
        extra={"utr": [{"task": "x", "claims": {}}]},
    )


def test_rephrase_sample_keeps_answers_and_video_token():
    rewrite = {
        "At frame 4, what is in the top left?": "What is in the top left at frame 4?",
        "Which object stops?": "Which object stops at frame 9?",
    }.get
    new, changed = rephrase_sample(_sample(), rewrite)
    assert changed == 1
    assert new.conversations[0].value == f"{VIDEO_TOKEN}\nWhat is in the top left at frame 4?"
    assert new.conversations[2].value == "Which object stops?"  # the rewrite added a number: rejected
    assert new.assistant_turns == _sample().assistant_turns and new.extra == _sample().extra


def test_tiny_chat_model_end_to_end(tmp_path):
    torch = pytest.importorskip("torch")
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from videoutr.models.tokenizer import train_world_tokenizer

    tokenizer = train_world_tokenizer(vocab_size=400)
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
            max_position_embeddings=256,
        )
    )
    model_dir = tmp_path / "chat"
    model.save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    out = tmp_path / "out"
    out.mkdir()
    save_samples(out / "utr.json", [_sample()])
    stats = rephrase_run(out, HFRephraser(str(model_dir), max_new_tokens=8), progress=False)
    assert stats == {"samples": 1, "questions": 2, "rephrased": 0}  # random weights never keep the facts
    assert load_samples(out / "utr_rephrased.json")[0].to_llava() == _sample().to_llava()
    assert json.loads((out / "utr_rephrased.json").read_text())[0]["utr"] == _sample().extra["utr"]
    from videoutr.train.mixture import load_mixture, parse_mixture_file

    entries = parse_mixture_file(out / "data_rephrased.yaml")  # json_path relative to OUT
    assert (
        "utr_rephrased.json" in (out / "data_rephrased.yaml").read_text()
        and str(out) not in (out / "data_rephrased.yaml").read_text()
    )
    assert [s.id for s in load_mixture(entries)] == [_sample().id]
