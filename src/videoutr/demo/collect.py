"""Gather a demo run's numbers into results.json: every figure is recomputed from the run's files.

Sources: `eval/<arm>/seed<k>/samples.jsonl` (one record per question x condition),
`tpl/<pool>.<key>.jsonl` (per-sample TPL under the base checkpoint, one file per key frame),
`data/arm_<arm>.json` (what each arm trained on), `probes/<arm>.masking.json` (frame use) and
`probes/<arm>.attention.json` (frame activation), with `world/annotations.jsonl` for which frames show
each probed answer. Accuracy per question is averaged over seeds; the
intervals of the comparisons resample training seeds and benchmark questions (paired between arms:
the same questions), those of single accuracies resample questions.

    results = collect_results(cfg, Path("runs/demo"), data, tpl, timings)
    results["arms"]["utr"]["eval"]["full"]["temporal"]["mean"]
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from videoutr.demo.config import MIXTURES, DemoConfig
from videoutr.demo.stats import diff_ci, excludes_zero, mean_ci, pearson, seeds_diff_ci, unpaired_diff_ci
from videoutr.eval.frame_use import answer_share
from videoutr.jsonio import iter_jsonl, read_json
from videoutr.world.annotation import load_annotations
from videoutr.world.questions import BenchQuestion, answer_frames


def per_question(out: Path, arm: str, seeds: list[int]) -> dict[str, dict[str, dict]]:
    """condition -> question id -> {"correct": mean over seeds, "per_seed": [score per seed], "task", "temporal"}."""
    acc: dict[str, dict[str, dict]] = defaultdict(dict)
    for seed in seeds:
        for r in iter_jsonl(out / "eval" / arm / f"seed{seed}" / "samples.jsonl"):
            if r.get("error") or r.get("correct_loglik") is None:
                continue
            entry = acc[r["condition"]].setdefault(
                r["id"], {"task": r["task"], "temporal": r["temporal"], "scores": []}
            )
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
        table[cond] = {
            "all": mean_ci([r["correct"] for r in rows], resamples),
            "temporal": mean_ci([r["correct"] for r in rows if r["temporal"]], resamples),
            "tasks": {t: mean_ci(v, resamples) for t, v in sorted(tasks.items())},
        }
    return table


def twin_consistency(pq: dict, resamples: int = 1000) -> dict:
    """Share of temporal questions answered right on BOTH a video and its reversed twin."""
    by_id = pq.get("full", {})
    pairs = [
        (v["correct"], by_id[k.replace("_rev_", "_", 1)]["correct"])
        for k, v in by_id.items()
        if "_rev_" in k and v["temporal"] and k.replace("_rev_", "_", 1) in by_id
    ]
    both = mean_ci([a * b for a, b in pairs], resamples)
    return {"pairs": len(pairs), "both_right": both["mean"], "ci": [both["lo"], both["hi"]]}


def tpl_by_key(paths: dict[str, str]) -> dict[str, dict[str, float]]:
    """key frame -> sample id -> TPL, from one pool's per-key score files."""
    return {
        key: {r["id"]: r["tpl"] for r in iter_jsonl(path) if r.get("tpl") is not None} for key, path in paths.items()
    }


def combine_tpl(paths: dict[str, str]) -> dict[str, float]:
    """sample id -> TPL averaged over the key frames (samples scored under every key)."""
    by_key = list(tpl_by_key(paths).values())
    ids = [i for i in by_key[0] if all(i in k for k in by_key)] if by_key else []
    return {i: float(np.mean([k[i] for k in by_key])) for i in ids}


def arm_tpl(arm_json: str, scores: dict[str, dict[str, float]], resamples: int) -> dict:
    """Mean / median TPL of the samples an arm trained on (looked up in the pools' scores)."""
    lookup = {k: v for pool in scores.values() for k, v in pool.items()}
    values = [lookup[s["id"]] for s in read_json(arm_json) if s["id"] in lookup]
    ci = mean_ci(values, resamples)
    return {**ci, "median": float(np.median(values)) if values else None}


def answer_prior(arm_json: str, pq_full: dict, bench: dict[str, dict]) -> float | None:
    """Accuracy of answering from the arm's training answers alone: on each question, the option
    its training data gives most often as an answer (ties split evenly)."""
    from collections import Counter

    counts = Counter(t["value"] for s in read_json(arm_json) for t in s["conversations"] if t["from"] == "gpt")
    scores = []
    for qid in pq_full:
        q = bench.get(qid)
        if q is None or not q["temporal"]:
            continue
        freq = [counts.get(c, 0) for c in q["candidates"]]
        best = [c for c, f in zip(q["candidates"], freq) if f == max(freq)]
        scores.append((q["answer"] in best) / len(best))
    return float(np.mean(scores)) if scores else None


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
    return {
        **seeds_diff_ci(_drops(pq_a, cond, ids), _drops(pq_b, cond, ids), resamples),
        "a": shuffle_drop(pq_a, resamples, cond),
        "b": shuffle_drop(pq_b, resamples, cond),
    }


def collect_results(cfg: DemoConfig, out: Path, data: dict, tpl: dict[str, dict[str, str]], timings: dict) -> dict:
    from videoutr.demo.claims import claims

    n = cfg.bootstrap
    bench = {q["id"]: q for q in read_json(out / "world" / "bench.json")}
    scores = {pool: combine_tpl(paths) for pool, paths in tpl.items()}
    pqs = {arm: per_question(out, arm, cfg.train_seeds()) for arm in cfg.arms}
    arms = {}
    for arm in cfg.arms:
        arm_json = data["arms"].get(arm)
        arms[arm] = {
            "n_train_samples": len(read_json(arm_json)) if arm_json else None,
            "tpl": arm_tpl(arm_json, scores, n) if arm_json else None,
            "answer_prior": answer_prior(arm_json, pqs[arm].get("full", {}), bench) if arm_json else None,
            "eval": _accuracy_table(pqs[arm], n),
            "twins": twin_consistency(pqs[arm], n),
        }
    pools = {}
    for name, paths in tpl.items():
        values = list(scores[name].values())
        pools[name] = {
            **mean_ci(values, n),
            "median": float(np.median(values)) if values else None,
            "by_key": {k: mean_ci(list(v.values()), n) for k, v in tpl_by_key(paths).items()},
            "values": [round(x, 5) for x in values],
        }
    results = {
        "config": cfg.to_dict(),
        "data": {k: v for k, v in data.items() if k != "arms"},
        "arms": arms,
        "tpl_pools": pools,
        "timings_s": timings,
        "chance": _chance(pqs, bench),
        "probes": probe_results(out, n, bench),
        "comparisons": _comparisons(pqs, scores, n, bench),
    }
    results.update(tpl_accuracy(arms, pqs, n))
    results["claims"] = claims(results)
    return results


def _chance(pqs: dict, bench: dict) -> float | None:
    """Expected accuracy of a uniform guess over the temporal questions scored."""
    ids = next((set(pq.get("full", {})) for pq in pqs.values() if pq.get("full")), set())
    values = [1 / len(bench[i]["candidates"]) for i in ids if i in bench and bench[i]["temporal"]]
    return float(np.mean(values)) if values else None


def _comparisons(pqs: dict, scores: dict, n: int, bench: dict) -> dict:
    comp = {}
    utr, captions, control = pqs.get("utr"), pqs.get("captions"), pqs.get("control")
    if utr and captions:
        for cond in utr:
            if cond in captions:
                comp[f"utr_minus_captions_{cond}"] = paired(utr, captions, cond, n)
    if utr and control:
        comp["utr_minus_control_full"] = paired(utr, control, "full", n)
    if utr:
        for cond in utr:
            if cond != "full":
                comp[f"utr_full_minus_{cond}"] = shuffle_drop(utr, n, cond)
        ids = _complete(_temporal_ids(utr, "full"), utr["full"])
        chance = np.array([1 / len(bench[i]["candidates"]) for i in ids])
        comp["utr_minus_chance_full"] = seeds_diff_ci(_scores(utr, "full", ids), chance[None, :], n)
    if "utr" in scores and "captions" in scores:
        comp["tpl_utr_minus_captions"] = unpaired_diff_ci(
            list(scores["utr"].values()), list(scores["captions"].values()), n
        )
    return comp


def probe_results(out: Path, n: int, bench: dict) -> dict:
    """Frame use (masking: frames used, and the share of the cost on the frames that show the answer by
    the world's truth) and frame activation (attention) per probed arm, and UTR - captions."""
    result: dict = {"masking": {}, "attention": {}}
    masking_paths = sorted((out / "probes").glob("*.masking.json"))
    shown = _answer_frames(out, bench) if masking_paths else {}
    for path in masking_paths:
        probe = read_json(path)
        rows = probe["questions"]
        on_answer = {
            r["id"]: share
            for r in rows
            if shown.get(r["id"]) is not None and (share := answer_share(r["drops"], shown[r["id"]])) is not None
        }
        result["masking"][path.name.split(".")[0]] = {
            "frames_used": mean_ci([r["frames_used"] for r in rows], n),
            "frames": probe["frames"],
            "per_question": {r["id"]: r["frames_used"] for r in rows},
            "mean_drop_by_frame": np.mean([r["drops"] for r in rows], axis=0).round(4).tolist() if rows else [],
            "on_answer_frames": mean_ci(list(on_answer.values()), n),
            "answer_frames_of_video": float(np.mean([len(shown[i]) / probe["frames"] for i in on_answer]))
            if on_answer
            else None,
            "per_question_on_answer_frames": on_answer,
        }
    for path in sorted((out / "probes").glob("*.attention.json")):
        probe = read_json(path)
        rows = probe["questions"]
        result["attention"][path.name.split(".")[0]] = {
            "effective_frames": mean_ci([r["effective_frames"] for r in rows], n),
            "active_frames": mean_ci([r["active_frames"] for r in rows], n),
            "frames": probe["frames"],
            "per_question": {r["id"]: r["effective_frames"] for r in rows},
            "example": _example_map(probe),
        }
    for kind in ("masking", "attention"):
        _utr_minus_captions(result[kind], "per_question", "utr_minus_captions", n)
    _utr_minus_captions(result["masking"], "per_question_on_answer_frames", "utr_minus_captions_on_answer_frames", n)
    return result


def _answer_frames(out: Path, bench: dict) -> dict[str, list[int] | None]:
    """Question id -> the frames that show its answer by the world's truth (`world.questions.answer_frames`)."""
    anns = {ann.video: ann for ann in load_annotations(out / "world")}
    return {
        qid: answer_frames(anns[q["video"]], BenchQuestion.from_json(q)) if q["video"] in anns else None
        for qid, q in bench.items()
    }


def _utr_minus_captions(found: dict, per_question: str, key: str, n: int) -> None:
    """found[key]: the UTR arm's `per_question` figure minus the caption arm's, paired over their common questions."""
    if {"utr", "captions"} <= set(found):
        utr, captions = found["utr"][per_question], found["captions"][per_question]
        ids = [i for i in utr if i in captions]
        found[key] = diff_ci([utr[i] for i in ids], [captions[i] for i in ids], n)


def _example_map(probe: dict) -> dict:
    """The first question's map (the same question for every model: ids are in bench order)."""
    if not probe["questions"]:
        return {}
    qid = probe["questions"][0]["id"]
    return {"id": qid, **probe["maps"][qid]}


def tpl_accuracy(arms: dict, pqs: dict, n: int) -> dict:
    """Finding 1 over every arm (`finding1`) and over the mixtures of captions and UTR dialogues
    only (`finding1_mixtures`, `config.MIXTURES`)."""
    mixtures = {a: v for a, v in arms.items() if a in MIXTURES}
    return {"finding1": _finding1(arms, pqs, n), "finding1_mixtures": _finding1(mixtures, pqs, n)}


def _finding1(arms: dict, pqs: dict, n: int) -> dict:
    """Pearson r of each of `arms`' mean training TPL with its temporal accuracy (full video), with
    an interval that resamples the benchmark questions (each arm's accuracy recomputed per resample)."""
    names = [a for a, v in arms.items() if v.get("tpl") and v["tpl"]["mean"] is not None and pqs[a].get("full")]
    if len(names) < 3:
        return {"points": [], "pearson_r": None, "ci": None}
    ids = _complete(_temporal_ids(pqs[names[0]], "full"), *[pqs[a]["full"] for a in names])
    acc = np.array([[pqs[a]["full"][i]["correct"] for i in ids] for a in names])  # arms x questions
    tpl = [arms[a]["tpl"]["mean"] for a in names]
    rng = np.random.default_rng(0)
    rs = [pearson(tpl, acc[:, rng.integers(0, len(ids), len(ids))].mean(axis=1).tolist()) for _ in range(n)]
    rs = [r for r in rs if r is not None]
    r = pearson(tpl, acc.mean(axis=1).tolist())
    return {
        "points": [
            {"arm": a, "tpl": t, "temporal_accuracy": float(x)} for a, t, x in zip(names, tpl, acc.mean(axis=1))
        ],
        "pearson_r": r,
        "ci": [float(np.quantile(rs, 0.025)), float(np.quantile(rs, 0.975))] if rs else None,
        "n": len(names),
    }


__all__ = ["collect_results", "combine_tpl", "excludes_zero", "per_question", "probe_results", "tpl_accuracy"]
