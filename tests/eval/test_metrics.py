"""Open-QA metrics on crafted answers."""

import pytest

from videoutr.eval.metrics import contains_answer, exact_match, normalize_answer, open_qa_scores, token_f1


@pytest.mark.parametrize(
    "pred, refs, em, f1",
    [
        ("The dog.", ["dog"], 1.0, 1.0),
        ("a DOG!", "dog", 1.0, 1.0),
        ("dog running", "dog", 0.0, 2 / 3),
        ("a red ball", ["red ball rolling"], 0.0, 0.8),
        ("cat", ["dog", "cat"], 1.0, 1.0),  # best over references
        ("", "dog", 0.0, 0.0),
        ("blue", "red", 0.0, 0.0),
        ("red red", "red", 0.0, 2 / 3),  # repeated tokens count once per match
    ],
)
def test_exact_match_and_f1(pred, refs, em, f1):
    assert exact_match(pred, refs) == em
    assert token_f1(pred, refs) == pytest.approx(f1)


def test_normalisation_and_contains():
    assert normalize_answer("  The Quick, brown fox!! ") == "quick brown fox"
    assert contains_answer("I think it is a dog running", "Dog") == 1.0
    assert contains_answer("hotdog", "dog") == 0.0  # whole words only
    assert set(open_qa_scores("dog", "dog")) == {"exact_match", "contains", "token_f1"}
