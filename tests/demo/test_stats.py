import pytest

from videoutr.demo.stats import diff_ci, excludes_zero, mean_ci, pearson, unpaired_diff_ci


def test_mean_ci_brackets_the_mean_and_is_seeded():
    values = [1, 0, 1, 1, 0, 1, 1, 1]
    a, b = mean_ci(values, 500, seed=3), mean_ci(values, 500, seed=3)
    assert a == b
    assert a["mean"] == pytest.approx(0.75)
    assert a["lo"] <= a["mean"] <= a["hi"]
    assert a["n"] == 8


def test_empty_input_gives_none():
    assert mean_ci([])["mean"] is None
    assert excludes_zero(mean_ci([])) is None


def test_paired_difference_and_its_interval():
    ci = diff_ci([1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1], 500)
    assert ci["mean"] == pytest.approx(5 / 6)
    assert excludes_zero(ci)
    with pytest.raises(ValueError):
        diff_ci([1], [1, 2])


def test_unpaired_difference_and_pearson():
    assert unpaired_diff_ci([2, 2, 2], [1, 1], 200)["mean"] == pytest.approx(1.0)
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2], [1, 2]) is None
    assert pearson([1, 1, 1], [1, 2, 3]) is None
