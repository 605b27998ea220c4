"""Each benchmark's prompt and answer extraction equal lmms-eval 0.7.3's task rules.

The expected values were read off lmms-eval's own task functions (mvbench `mcq_acc`, videomme
`extract_characters_regex`, tempcompass `eval_rule` / `extract_pred` and its multi-choice rules,
nextqa `parse_multi_choice_response`, perceptiontest's regex) on the same responses.
"""

from __future__ import annotations

import json

import pytest

from videoutr.eval.benchmarks import load_benchmark
from videoutr.eval.lmms_rules import answered, extract_choice, prompt_for
from videoutr.eval.results import summarise
from videoutr.eval.scoring import generation_prompt

FOUR = ["apples", "candles", "berries", "a man walks"]
FIVE = [*FOUR, "dog runs"]


@pytest.mark.parametrize(
    "response,expected",
    [
        ("(A) or maybe (B)", 1),  # the last of equally ranked forms
        ("A. Apples, but B is close", 0),  # a leading letter outranks everything
        ("Both A and B", 1),  # a trailing letter outranks "A "
        ("The answer is C.", 2),
        ("Answer: (D) berries", 3),
        ("option B: candles", 1),
        ("c", None),  # lower case is never a letter
        ("I pick d", None),
        ("apples", None),  # option text alone is not read
        ("", None),
    ],
)
def test_videomme_uses_lmms_evals_shared_mcq_extractor(response, expected):
    assert extract_choice("videomme", response, FOUR) == expected


@pytest.mark.parametrize(
    "response,expected,is_answered",
    [
        ("(B) candles", 1, True),
        ("b. candles", 1, True),  # "X. text" in either case
        ("a man walks", 0, True),  # the article "a" reads as A, as in lmms-eval
        ("Best option:(C)", 2, True),
        ("The man walks.", None, True),  # no letter: wrong, yet counted as answered
        ("E", None, True),  # a letter beyond the options
        ("", None, False),  # only an empty response is unanswered
    ],
)
def test_mvbench_rule_and_its_answered_denominator(response, expected, is_answered):
    pred = extract_choice("mvbench", response, FOUR)
    assert pred == expected
    assert answered("mvbench", response, pred) is is_answered


@pytest.mark.parametrize(
    "response,expected",
    [
        ("(C)", 2),
        ("B or C?", 2),  # several bare letters: the last
        ("(A) no, (D)", 3),  # bracketed letters win, the last of them
        ("I believe the man is eating berries here today", 2),  # > 5 words: option text
        ("B.", 1),
        ("E", 4),
        ("dog runs", None),  # lmms-eval picks a random letter here; we keep it unmatched
    ],
)
def test_nextqa_parser(response, expected):
    assert extract_choice("nextqa", response, FIVE) == expected


def test_perceptiontest_first_capital_letter():
    assert extract_choice("perceptiontest", "I think B, not C", FOUR[:3]) == 1
    assert extract_choice("perceptiontest", "a dog", FOUR[:3]) is None
    assert extract_choice("perceptiontest", "D", FOUR[:3]) is None  # beyond its three options


def _tempcompass(tmp_path):
    raw = {
        "v1": {
            "speed": [
                {"question": "How fast is it?\nA. slow\nB. fast\nC. still\nD. both", "answer": "B. fast"},
                {"question": "Is the car moving fast?", "answer": "yes"},
                {
                    "question": "Which caption matches the video?\nCaption A: a man walks\nCaption B: a dog runs",
                    "answer": "Caption B: a dog runs",
                },
            ]
        }
    }
    path = tmp_path / "tc.json"
    path.write_text(json.dumps(raw))
    return load_benchmark(path, "tempcompass")


@pytest.mark.parametrize(
    "kind,response,expected",
    [
        (0, "B. fast", 1),
        (0, "B", 1),
        (0, "A)", 0),
        (0, "fast", None),
        (0, "The answer is B", None),
        (1, "Yes, it does.", 0),
        (1, "Not really", 1),
        (1, "I think yes", None),
        (2, "Caption B", 1),
        (2, "B.", 1),
        (2, "(B) a dog runs", 1),
        (2, "a dog runs", 1),
        (2, "a man walks", 0),
        (2, "The caption B", None),
        (2, "b", None),
    ],
)
def test_tempcompass_hand_rules(tmp_path, kind, response, expected):
    item = _tempcompass(tmp_path)[kind]
    assert extract_choice("tempcompass", response, item.candidates, item.extra) == expected


def test_prompts_are_lmms_evals(tmp_path):
    mc, yes_no, caption = _tempcompass(tmp_path)
    assert (
        generation_prompt(mc)
        == "How fast is it?\nA. slow\nB. fast\nC. still\nD. both\nPlease directly give the best option:"
    )
    assert generation_prompt(yes_no) == "Is the car moving fast?\nPlease answer yes or no:"
    assert generation_prompt(caption).endswith("Caption B: a dog runs\nPlease directly give the best option:")
    assert prompt_for("nextqa", " Why? ", ["x ", "y", "z", "u", "v"], {}) == "Why?\nA. x\nB. y\nC. z\nD. u\nE. v"
    assert prompt_for("perceptiontest", "Q?", ["x", "y", "z"], {}) == (
        "Q?\nA. x\nB. y\nC. z\nAnswer with the option's letter from the given choices directly."
    )
    assert prompt_for("videomme", "Q?", FOUR, {"options": ["A. a", "B. b", "C. c", "D. d"]}) == (
        "Select the best answer to the following multiple-choice question based on the video and the subtitles. "
        "Respond with only the letter (A, B, C, or D) of the correct option.\nQ?\nA. a\nB. b\nC. c\nD. d\n\n"
        "Answer with the option's letter from the given choices directly."
    )
    assert prompt_for(None, "Q?", FOUR, {}) is None


def test_videomme_scores_per_duration_and_domain():
    def rec(i, duration, domain, correct, pred):
        return {
            "id": str(i),
            "condition": "full",
            "task": "Counting Problem",
            "kind": "mcq",
            "duration": duration,
            "domain": domain,
            "sub_category": "Law",
            "correct_generate": correct,
            "pred_generate": pred,
            "answered_generate": pred is not None,
        }

    records = [
        rec(0, "short", "Knowledge", 1, 0),
        rec(1, "short", "Knowledge", 0, None),
        rec(2, "long", "Knowledge", 1, 2),
        rec(3, "long", "Sports Competition", 0, 1),
    ]
    full = summarise(records)["conditions"]["full"]
    assert full["by_duration"]["short"]["accuracy_generate"] == 0.5
    assert full["by_duration"]["short"]["accuracy_generate_answered"] == 1.0
    assert full["by_duration"]["long"]["accuracy_generate"] == 0.5
    assert full["by_domain"]["Knowledge"]["accuracy_generate"] == pytest.approx(2 / 3)
    assert full["by_domain"]["Sports Competition"]["n"] == 1 and full["by_sub_category"]["Law"]["n"] == 4
    assert full["overall"]["accuracy_generate"] == 0.5 and full["overall"]["answered_generate"] == 3
