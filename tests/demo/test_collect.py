import numpy as np
import pytest

from videoutr.demo.claims import claims
from videoutr.demo.collect import answer_prior, drop_difference, tpl_accuracy


def _pq(full: list[int], other: list[int], cond: str = "single") -> dict:
    return {
        c: {f"q{i}": {"correct": v, "temporal": True} for i, v in enumerate(vals)}
        for c, vals in (("full", full), (cond, other))
    }


def test_drop_difference_is_the_drop_of_a_minus_the_drop_of_b_on_the_same_questions():
    utr = _pq([1, 1, 1, 0], [0, 0, 1, 0])  # drops 2 of 4 with one frame
    captions = _pq([1, 0, 1, 0], [1, 0, 1, 0])  # drops nothing
    result = drop_difference(utr, captions, "single", resamples=200)
    assert result["mean"] == 0.5 and result["n"] == 4
    assert result["a"]["mean"] == 0.5 and result["b"]["mean"] == 0.0


def _verdicts(comparisons: dict) -> dict:
    return {c["id"]: c["verdict"] for c in claims({"comparisons": comparisons})}


def test_a_claim_is_reproduced_only_when_its_interval_is_clear_and_its_target_met():
    ci = lambda m, lo, hi: {"mean": m, "lo": lo, "hi": hi, "n": 500}  # noqa: E731
    assert _verdicts({"utr_minus_captions_full": ci(0.25, 0.2, 0.3)})["utr_minus_captions"] == "reproduced"
    assert _verdicts({"utr_minus_captions_full": ci(0.1, 0.05, 0.15)})["utr_minus_captions"] == "below target"
    assert _verdicts({"utr_minus_captions_full": ci(0.1, -0.05, 0.25)})["utr_minus_captions"] == "inconclusive"
    assert _verdicts({"utr_minus_captions_full": ci(-0.2, -0.3, -0.1)})["utr_minus_captions"] == "contradicted"
    assert _verdicts({})["utr_minus_captions"] == "not measured"


def test_the_lead_is_lost_when_less_than_half_of_it_remains():
    full = {"mean": 0.3, "lo": 0.2, "hi": 0.4, "n": 500}
    verdicts = _verdicts(
        {
            "utr_minus_captions_full": full,
            "utr_minus_captions_first": {"mean": 0.1, "lo": 0, "hi": 0.2},
            "utr_minus_captions_last": {"mean": 0.2, "lo": 0.1, "hi": 0.3},
        }
    )
    assert verdicts["utr_lead_kept_first"] == "reproduced" and verdicts["utr_lead_kept_last"] == "below target"


def test_the_answer_prior_picks_the_option_its_training_answers_give_most(tmp_path):
    import json

    arm = tmp_path / "arm.json"
    turns = [{"from": "human", "value": "<video>\nq"}, {"from": "gpt", "value": "left"}]
    arm.write_text(
        json.dumps(
            [{"id": str(i), "conversations": turns} for i in range(3)]
            + [{"id": "x", "conversations": [turns[0], {"from": "gpt", "value": "up"}]}]
        )
    )
    bench = {
        "a": {"candidates": ["up", "left"], "answer": "left", "temporal": True},
        "b": {"candidates": ["up", "down"], "answer": "down", "temporal": True},
        "c": {"candidates": ["right", "down"], "answer": "down", "temporal": True},
    }
    # a: "left" (3) wins and is right; b: "up" (1) wins and is wrong; c: a tie of two, right half the time
    assert answer_prior(str(arm), {"a": {}, "b": {}, "c": {}}, bench) == (1 + 0 + 0.5) / 3


def test_tpl_accuracy_runs_over_the_mixtures_and_over_every_arm():
    # four mixtures whose accuracy rises with their TPL, and a TPL-filtered caption pool that does not
    tpl = {"captions": 0.1, "control": 0.0, "utr_50": 0.4, "utr": 0.6, "captions_tpl": 0.7}
    right = {"captions": 3, "control": 2, "utr_50": 6, "utr": 8, "captions_tpl": 2}  # of 10 questions
    arms = {a: {"tpl": {"mean": t}} for a, t in tpl.items()}
    pqs = {a: {"full": {f"q{i}": {"correct": int(i < right[a]), "temporal": True} for i in range(10)}} for a in tpl}
    found = tpl_accuracy(arms, pqs, 200)
    assert {p["arm"] for p in found["finding1_mixtures"]["points"]} == {"captions", "control", "utr_50", "utr"}
    assert found["finding1_mixtures"]["pearson_r"] > 0.95 and found["finding1"]["pearson_r"] < 0.6
    verdicts = {c["id"]: c["verdict"] for c in claims(found)}
    assert verdicts["tpl_accuracy_r"] == "reproduced" and verdicts["tpl_accuracy_r_all_arms"] == "below target"


def test_frame_use_gives_each_arm_the_share_of_its_masking_cost_on_the_frames_that_show_the_answer(tmp_path):
    import json

    from videoutr.demo.collect import probe_results
    from videoutr.demo.config import demo_world
    from videoutr.world.questions import answer_frames, bench_questions
    from videoutr.world.simulate import numbered_scenes

    anns = list(numbered_scenes(demo_world(12, seed=4), "v"))
    questions = [q for ann in anns for q in bench_questions(ann, seed=0, tasks=["location_start", "direction"])]
    (tmp_path / "world").mkdir()
    (tmp_path / "world" / "annotations.jsonl").write_text("".join(json.dumps(a.to_json()) + "\n" for a in anns))
    bench = {q.id: q.to_json() for q in questions}
    first = [q for q in questions if q.task == "location_start"]
    # the UTR model's cost all on the first frame (which shows the place at the start), the caption
    # model's all on the third, where the object may have moved on
    drops = {"utr": [1.0] + [0.0] * 7, "captions": [0.0, 0.0, 1.0] + [0.0] * 5}
    (tmp_path / "probes").mkdir()
    for arm, d in drops.items():
        rows = [{"id": q.id, "task": q.task, "drops": d, "frames_used": 1} for q in questions]
        (tmp_path / "probes" / f"{arm}.masking.json").write_text(json.dumps({"questions": rows, "frames": 8}))
    masking = probe_results(tmp_path, 200, bench)["masking"]
    by_video = {a.video: a for a in anns}
    expected_captions = np.mean([2 in answer_frames(by_video[q.video], q) for q in first])  # world/test_questions
    assert 0 < expected_captions < 1
    assert masking["utr"]["on_answer_frames"]["mean"] == 1.0 and masking["utr"]["on_answer_frames"]["n"] == len(first)
    assert masking["captions"]["on_answer_frames"]["mean"] == pytest.approx(expected_captions)
    assert masking["utr_minus_captions_on_answer_frames"]["mean"] == pytest.approx(1.0 - expected_captions)
    assert set(masking["utr"]["per_question_on_answer_frames"]) == {q.id for q in first}  # direction: no frame shows it
