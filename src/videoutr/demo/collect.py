"""Gather a demo run's numbers into results.json: every figure is recomputed from the run's files.

Sources: `eval/<arm>/seed<k>/samples.jsonl` (one record per question x condition), `tpl/<pool>.jsonl`
(per-sample TPL under the reference model), `data/arm_<arm>.json` (what each arm trained on),
`attention/<arm>.json` (frame activation). Accuracy per question is averaged over seeds; the
intervals of the comparisons resample training seeds and benchmark questions (paired between arms:
the same questions), those of single accuracies resample questions.

    >>> results = collect_results(cfg, Path("runs/demo"), data, tpl, timings)
    >>> results["arms"]["utr"]["eval"]["full"]["temporal"]["mean"]
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from videoutr.demo.config import DemoConfig
from videoutr.demo.stats import diff_ci, excludes_zero, mean_ci, pearson, seeds_diff_ci, unpaired_diff_ci
from videoutr.jsonio import iter_jsonl, read_json


def per_question(out: Path, arm: str, seeds: int) -> dict[str, dict[str, dict]]:
    """condition -> question id -> {"correct": mean over seeds, "per_seed": [score per seed], "task", "temporal"}."""
    acc: dict[str, dict[str, dict]] = defaultdict(dict)
    for seed in range(seeds):
        for r in iter_jsonl(out / "eval" / arm / f"seed{seed}" / "samples.jsonl"):
            if r.get("error") or r.get("correct_loglik") is None:
                continue
            entry = acc[r["condition"]].setdefault(r["id"], {"task": r["task"], "temporal": r["temporal"], "scores": []})
            entry["scores"].append(r["correct_loglik"])
    for by_id in acc.values():
        for entry in by_id.values():
            entry["per_seed"] = entry.pop("scores")
            entry["correct"] = float(np.mean(entry["per_seed"]))
    return dict(acc)


def _accuracy_table(pq: dict, resamples: int) -> dict:
    table = {}
    for cond, by_id in pq.items():
        rows = list(by_id.values())
        tasks = defaultdict(list)
        for r in rows:
            tasks[r["task"]].append(r["correct"])
        table[cond] = {"all": mean_ci([r["correct"] for r in rows], resamples),
                       "temporal": mean_ci([r["correct"] for r in rows if r["temporal"]], resamples),
                       "tasks": {t: mean_ci(v, resamples) for t, v in sorted(tasks.items())}}
    return table


def twin_consistency(pq: dict) -> dict:
    """Share of temporal questions answered right on BOTH a video and its reversed twin."""
    by_id = pq.get("full", {})
    pairs = [(v["correct"], by_id[k.replace("_rev_", "_", 1)]["correct"]) for k, v in by_id.items()
             if "_rev_" in k and v["temporal"] and k.replace("_rev_", "_", 1) in by_id]
    return {"pairs": len(pairs), "both_right": float(np.mean([a * b for a, b in pairs])) if pairs else None}


def tpl_scores(tpl: dict[str, str]) -> dict[str, dict[str, float]]:
    """pool -> sample id -> TPL."""
    return {name: {r["id"]: r["tpl"] for r in iter_jsonl(path) if r.get("tpl") is not None}
            for name, path in tpl.items()}


def arm_tpl(arm_json: str, scores: dict[str, dict[str, float]], resamples: int) -> dict:
    """Mean / median TPL of the samples an arm trained on (looked up in the pools' scores)."""
    lookup = {k: v for pool in scores.values() for k, v in pool.items()}
    values = [lookup[s["id"]] for s in read_json(arm_json) if s["id"] in lookup]
    ci = mean_ci(values, resamples)
    return {**ci, "median": float(np.median(values)) if values else None}


def _temporal_ids(pq: dict, cond: str) -> list[str]:
    return sorted(k for k, v in pq.get(cond, {}).items() if v["temporal"])


def _scores(pq: dict, cond: str, ids: list[str]) -> np.ndarray:
    """(seeds x questions) scores of `ids` under `cond` (a recorded result without seeds: one row)."""
    return np.array([pq[cond][i].get("per_seed", [pq[cond][i]["correct"]]) for i in ids], dtype=float).T


def _complete(ids: list[str], *tables: dict) -> list[str]:
    """The ids scored under every seed in every table (an errored question is left out everywhere)."""
    lengths = [len(t[i].get("per_seed", [0])) if i in t else 0 for t in tables for i in ids]
    most = max(lengths, default=0)
    return [i for i in ids if all(i in t and len(t[i].get("per_seed", [0])) == most for t in tables)]


def paired(pq_a: dict, pq_b: dict, cond: str, resamples: int) -> dict:
    """Temporal accuracy of a minus b on the same questions (interval over seeds and questions)."""
    ids = _complete(_temporal_ids(pq_a, cond), pq_a.get(cond, {}), pq_b.get(cond, {}))
    return seeds_diff_ci(_scores(pq_a, cond, ids), _scores(pq_b, cond, ids), resamples)


def _drops(pq: dict, cond: str, ids: list[str]) -> np.ndarray:
    return _scores(pq, "full", ids) - _scores(pq, cond, ids)


def shuffle_drop(pq: dict, resamples: int, cond: str = "shuffled") -> dict:
    """Temporal accuracy full minus `cond` of one model, paired over questions and seeds."""
    ids = _complete(_temporal_ids(pq, "full"), pq["full"], pq.get(cond, {}))
    return seeds_diff_ci(_drops(pq, cond, ids), None, resamples)


def drop_difference(pq_a: dict, pq_b: dict, cond: str, resamples: int) -> dict:
    """(full - `cond`) temporal accuracy drop of model a minus that of model b, paired over questions."""
    ids = _complete(_temporal_ids(pq_a, "full"), pq_a["full"], pq_a.get(cond, {}), pq_b["full"], pq_b.get(cond, {}))
    return {**seeds_diff_ci(_drops(pq_a, cond, ids), _drops(pq_b, cond, ids), resamples),
            "a": shuffle_drop(pq_a, resamples, cond), "b": shuffle_drop(pq_b, resamples, cond)}


def collect_results(cfg: DemoConfig, out: Path, data: dict, tpl: dict[str, str], timings: dict) -> dict:
    from videoutr.demo.findings import findings

    n = cfg.bootstrap
    scores = tpl_scores(tpl)
    pqs = {arm: per_question(out, arm, cfg.seeds) for arm in cfg.arms}
    arms = {}
    for arm in cfg.arms:
        arms[arm] = {"n_train_samples": len(read_json(data["arms"][arm])) if arm in data["arms"] else None,
                     "tpl": arm_tpl(data["arms"][arm], scores, n) if arm in data["arms"] else None,
                     "eval": _accuracy_table(pqs[arm], n), "twins": twin_consistency(pqs[arm])}
        if "shuffled" in pqs[arm]:
            arms[arm]["shuffle_drop"] = shuffle_drop(pqs[arm], n)
    pools = {name: {**mean_ci(list(v.values()), n), "median": float(np.median(list(v.values()))) if v else None,
                    "values": [round(x, 5) for x in v.values()]} for name, v in scores.items()}
    results = {"config": cfg.to_dict(), "data": {k: v for k, v in data.items() if k != "arms"},
               "arms": arms, "tpl_pools": pools, "timings_s": timings,
               "attention": _attention(out, n), "comparisons": _comparisons(pqs, scores, n)}
    results["finding1"] = _finding1(arms)
    results["findings"] = findings(results)
    return results


def _comparisons(pqs: dict, scores: dict, n: int) -> dict:
    comp = {}
    if "utr" in pqs and "captions" in pqs:
        comp["utr_minus_captions_temporal_full"] = paired(pqs["utr"], pqs["captions"], "full", n)
        for cond, key in (("shuffled", "shuffle_drop_utr_minus_captions"), ("single", "single_drop_utr_minus_captions")):
            if cond in pqs["utr"] and cond in pqs["captions"]:
                comp[key] = drop_difference(pqs["utr"], pqs["captions"], cond, n)
    if "utr" in pqs:
        for cond in ("shuffled", "single", "none", "reversed"):
            if cond in pqs["utr"]:
                comp[f"utr_full_minus_{cond}_temporal"] = shuffle_drop(pqs["utr"], n, cond)
    if "captions_x4" in pqs and "captions" in pqs:
        comp["captions_x4_minus_captions_temporal_full"] = paired(pqs["captions_x4"], pqs["captions"], "full", n)
    if "captions_x4" in pqs and "utr" in pqs:
        comp["utr_minus_captions_x4_temporal_full"] = paired(pqs["utr"], pqs["captions_x4"], "full", n)
    if "utr" in scores and "captions" in scores:
        comp["tpl_utr_minus_captions"] = unpaired_diff_ci(list(scores["utr"].values()), list(scores["captions"].values()), n)
    return comp


def _attention(out: Path, n: int) -> dict:
    result = {}
    for path in sorted((out / "attention").glob("*.json")):
        probe = read_json(path)
        rows = probe["questions"]
        result[path.stem] = {"effective_frames": mean_ci([r["effective_frames"] for r in rows], n),
                             "active_frames": mean_ci([r["active_frames"] for r in rows], n),
                             "frames": probe["frames"], "ids": [r["id"] for r in rows],
                             "per_question": {r["id"]: r["effective_frames"] for r in rows},
                             "example": _example_map(probe)}
    if {"utr", "captions"} <= set(result):
        ids = [i for i in result["utr"]["per_question"] if i in result["captions"]["per_question"]]
        result["utr_minus_captions_effective_frames"] = diff_ci(
            [result["utr"]["per_question"][i] for i in ids], [result["captions"]["per_question"][i] for i in ids], n)
    return result


def _example_map(probe: dict) -> dict:
    """The first question's map (the same question for every model: ids are in bench order)."""
    if not probe["questions"]:
        return {}
    qid = probe["questions"][0]["id"]
    return {"id": qid, **probe["maps"][qid]}


def _finding1(arms: dict) -> dict:
    points = [(a, v["tpl"]["mean"], v["eval"].get("full", {}).get("temporal", {}).get("mean"))
              for a, v in arms.items() if v.get("tpl") and v["tpl"]["mean"] is not None]
    points = [p for p in points if p[2] is not None]
    return {"points": [{"arm": a, "tpl": x, "temporal_accuracy": y} for a, x, y in points],
            "pearson_r": pearson([p[1] for p in points], [p[2] for p in points])}


__all__ = ["collect_results", "excludes_zero", "per_question"]
