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


def test_seed_variance_widens_the_interval():
    from videoutr.demo.stats import seeds_diff_ci

    rng = __import__("numpy").random.default_rng(0)
    questions = rng.integers(0, 2, 400).astype(float)
    # three training seeds that agree vs three that differ as whole models
    agree = [questions, questions, questions]
    disagree = [questions * 0.6, questions, questions * 0.6 + 0.4]
    base = [questions * 0.5]
    tight, wide = seeds_diff_ci(agree, base, 2000), seeds_diff_ci(disagree, base, 2000)
    assert tight["seeds"] == [3, 1] and tight["n"] == 400
    assert wide["hi"] - wide["lo"] > 1.5 * (tight["hi"] - tight["lo"])
    # one seed each: the question bootstrap alone, centred on the paired mean difference
    one = seeds_diff_ci([questions], base, 2000)
    assert one["mean"] == pytest.approx(questions.mean() * 0.5)
    assert one["lo"] < one["mean"] < one["hi"]
    with pytest.raises(ValueError):
        seeds_diff_ci([[1, 0]], [[1, 0, 1]])
