"""Parsing the open-QA judge's replies."""

import pytest

from videoutr.eval.judge import judge_prompt, parse_judgement


@pytest.mark.parametrize(
    "reply, expected",
    [
        ("{'pred': 'yes', 'score': 4}", (1, 4.0)),
        ('{"pred": "no", "score": 0}', (0, 0.0)),
        ("pred: Yes, score: 3.5", (1, 3.5)),
        ("{'pred': 'yes', 'score': 9}", (1, 5.0)),  # clipped to 0-5
        ("I cannot tell", (None, None)),
    ],
)
def test_parse_judgement(reply, expected):
    assert parse_judgement(reply) == expected


def test_prompt_carries_the_three_texts():
    text = judge_prompt("What moves?", "a dog", "the dog")
    assert "Question: What moves?" in text and "Correct Answer: a dog" in text and "Predicted Answer: the dog" in text
