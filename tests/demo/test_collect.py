from videoutr.demo.collect import drop_difference
from videoutr.demo.findings import findings


def _pq(full: list[int], other: list[int], cond: str = "single") -> dict:
    return {c: {f"q{i}": {"correct": v, "temporal": True} for i, v in enumerate(vals)}
            for c, vals in (("full", full), (cond, other))}


def test_drop_difference_is_the_drop_of_a_minus_the_drop_of_b_on_the_same_questions():
    utr = _pq([1, 1, 1, 0], [0, 0, 1, 0])  # drops 2 of 4 with one frame
    captions = _pq([1, 0, 1, 0], [1, 0, 1, 0])  # drops nothing
    result = drop_difference(utr, captions, "single", resamples=200)
    assert result["mean"] == 0.5 and result["n"] == 4
    assert result["a"]["mean"] == 0.5 and result["b"]["mean"] == 0.0


def test_single_frame_claim_reads_its_own_comparison():
    results = {"comparisons": {"single_drop_utr_minus_captions": {"mean": 0.1, "lo": 0.02, "hi": 0.2, "n": 300}}}
    verdict = {f["claim"]: f["verdict"] for f in findings(results)}
    assert verdict["The UTR model is hurt more by seeing one key frame (the caption model's answers are hackable)"] \
        == "reproduced"
