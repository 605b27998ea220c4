"""The LLaVA-format sample type: round trip, role aliases, clear errors."""

from __future__ import annotations

import json

import pytest

from videoutr.data.llava import Sample, Turn, load_samples, save_samples
from videoutr.errors import DataFormatError

RECORD = {
    "id": "v1",
    "video": "videos/v1.mp4",
    "conversations": [
        {"from": "human", "value": "<video>\nWhat moves?"},
        {"from": "gpt", "value": "A red circle."},
        {"from": "human", "value": "Where does it go?"},
        {"from": "gpt", "value": "Right."},
    ],
    "source": "utr",
    "task": "direction",
}


def test_round_trip_keeps_every_key(tmp_path):
    save_samples(tmp_path / "d.json", [Sample.from_llava(RECORD)])
    assert json.loads((tmp_path / "d.json").read_text()) == [RECORD]
    sample = load_samples(tmp_path / "d.json")[0]
    assert sample.assistant_turns == ["A red circle.", "Right."]
    assert sample.extra == {"task": "direction"}


def test_openai_style_roles_are_accepted():
    record = {"id": "x", "conversations": [{"from": "user", "value": "hi"}, {"from": "assistant", "value": "yo"}]}
    assert Sample.from_llava(record).conversations == [Turn("human", "hi"), Turn("gpt", "yo")]


@pytest.mark.parametrize(
    ("record", "match"),
    [
        ({"id": "a"}, "id a.*conversations"),
        ({"id": "b", "conversations": [{"from": "robot", "value": "x"}]}, "id b.*unknown role"),
        ({"id": "c", "conversations": [{"from": "human"}]}, "id c.*string 'value'"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_malformed_samples_are_named(record, match):
    with pytest.raises(DataFormatError, match=match):
        Sample.from_llava(record, where="data.json[3]")


def test_jsonl_input_is_accepted(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(RECORD) + "\n")
    assert load_samples(path)[0].id == "v1"


def test_from_qa_puts_the_placeholder_once_and_may_end_on_a_question():
    sample = Sample.from_qa(
        "v1", [("What moves?", "A circle."), ("Which way?", None)], video="v1.mp4", source="utr", extra={"k": 1}
    )
    assert [(t.role, t.value) for t in sample.conversations] == [
        ("human", "<video>\nWhat moves?"),
        ("gpt", "A circle."),
        ("human", "Which way?"),
    ]
    assert Sample.from_llava(sample.to_llava()) == sample and sample.extra == {"k": 1}
    text_only = Sample.from_qa("t", [("Hi?", "Hello.")], placeholder=None)
    assert text_only.conversations[0].value == "Hi?"
    with pytest.raises(ValueError, match="only the last question"):
        Sample.from_qa("bad", [("Q1?", None), ("Q2?", "A2.")])


@pytest.mark.parametrize(
    "qa, placeholder",
    [
        ([("What moves?", "A circle."), ("Which way?", "Left.")], "<video>"),
        ([("What moves?", "A circle."), ("Which way?", None)], "<video>"),
        ([("Which colour?", "Red.")], "<image>"),
        ([("Hi?", "Hello.")], None),
    ],
)
def test_qa_gives_back_what_from_qa_was_given(qa, placeholder):
    sample = Sample.from_qa("v1", qa, placeholder=placeholder)
    assert sample.qa() == (qa, placeholder)
    pairs, found = sample.qa()
    again = Sample.from_qa("v1", pairs, placeholder=found)
    assert again.to_llava() == sample.to_llava()


def test_qa_of_a_dialogue_out_of_turn_is_an_error_naming_it():
    sample = Sample(id="odd", conversations=[Turn("human", "<video>\nQ?"), Turn("human", "Q2?")])
    with pytest.raises(DataFormatError, match="odd"):
        sample.qa()
