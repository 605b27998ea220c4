"""Option extraction from generated text, on crafted outputs."""

import pytest

from videoutr.eval.options import extract_option, format_options, mcq_prompt

CANDS = ["a red circle", "a blue square", "moves left", "moves right"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("B", 1),
        ("(B)", 1),
        ("B.", 1),
        ("B)", 1),
        ("[C]", 2),
        ("**D**", 3),
        ("b", None),
        ("The answer is B", 1),
        ("The answer is (C).", 2),
        ("Answer: D", 3),
        ("Option A", 0),
        ("The correct answer is D. moves right", 3),
        ("Best option: (B) a blue square", 1),
        ("I think it is C.", 2),
        ("A", 0),
        ("A. a red circle", 0),
        ("a blue square", 1),
        ("It moves right.", 3),
        ("A red circle", 0),  # article "A", not option A
        ("moves", None),
        ("E", None),
        ("", None),
        ("   ", None),
        ("I am not sure", None),
        ("either A or B", None),  # two letters: no single pick
    ],
)
def test_extract_option(text, expected):
    assert extract_option(text, CANDS) == expected


def test_extract_option_needs_candidates():
    assert extract_option("A", []) is None


def test_prompt_lists_lettered_options():
    assert format_options(["x", "y"]) == "A. x\nB. y"
    assert mcq_prompt("Q?", ["x", "y"]).startswith("Q?\nA. x\nB. y\nAnswer with the option's letter")
