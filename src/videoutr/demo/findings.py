"""The paper's claims, checked against a demo run's numbers: reproduced, not reproduced, or
inconclusive (an interval that covers zero), each with the evidence it rests on.

    >>> [f["claim"] for f in findings(results)][:1]
    ['The UTR model beats the caption model on temporal tasks']
"""

from __future__ import annotations


EPS = 1e-6  # differences smaller than this count as zero


def _fmt(ci: dict | None) -> str:
    if not ci or ci.get("mean") is None:
        return "n/a"
    return f"{ci['mean']:+.3f} [{ci['lo']:+.3f}, {ci['hi']:+.3f}] (n={ci['n']})"


def _verdict(ci: dict | None, want_positive: bool = True) -> str:
    if not ci or ci.get("lo") is None:
        return "not measured"
    if want_positive:
        return "reproduced" if ci["lo"] > EPS else ("contradicted" if ci["hi"] < -EPS else "inconclusive")
    return "reproduced" if ci["hi"] <= 0 or (ci["lo"] < 0 < ci["hi"]) else "contradicted"


def findings(results: dict) -> list[dict]:
    """One entry per expected effect: claim, verdict, evidence (difference and 95% interval)."""
    comp, att = results.get("comparisons", {}), results.get("attention", {})
    out = [
        {"claim": "The UTR model beats the caption model on temporal tasks",
         "measure": "temporal accuracy, UTR - captions, full video (paired over questions)",
         "ci": comp.get("utr_minus_captions_temporal_full")},
        {"claim": "UTR data has the higher TPL",
         "measure": "mean TPL of the UTR pool - caption pool, under the reference model",
         "ci": comp.get("tpl_utr_minus_captions")},
        {"claim": "The UTR model activates more frames",
         "measure": "effective frames attended by the answer, UTR - captions (paired over questions)",
         "ci": att.get("utr_minus_captions_effective_frames")},
        {"claim": "The UTR model is hurt more by shuffling",
         "measure": "temporal accuracy drop full -> shuffled, UTR drop - captions drop (paired)",
         "ci": comp.get("shuffle_drop_utr_minus_captions")},
    ]
    for item in out:
        item["verdict"] = _verdict(item["ci"])
    more = comp.get("captions_x4_minus_captions_temporal_full")
    out.append({"claim": "More caption data does not buy temporal skill",
                "measure": "temporal accuracy, captions x4 - captions (reproduced unless clearly positive)",
                "ci": more, "verdict": _no_gain(more, comp.get("utr_minus_captions_x4_temporal_full"))})
    f1 = results.get("finding1", {})
    r = f1.get("pearson_r")
    out.append({"claim": "Higher mean TPL of the training data goes with higher temporal accuracy (Finding 1)",
                "measure": f"Pearson r over {len(f1.get('points', []))} arms", "ci": None,
                "value": r, "verdict": "not measured" if r is None else ("reproduced" if r > 0.5 else
                                                                          "inconclusive" if r > 0 else "contradicted")})
    for item in out:
        if "value" in item:
            item["evidence"] = "n/a" if r is None else f"r = {r:+.2f}"
        else:
            item["evidence"] = _fmt(item["ci"])
    return out


def _no_gain(more: dict | None, utr_vs_more: dict | None) -> str:
    """Reproduced when x4 captions gain nothing clear AND stay below the UTR model."""
    if not more or more.get("lo") is None:
        return "not measured"
    if more["lo"] > 0 and not (utr_vs_more and utr_vs_more.get("lo") is not None and utr_vs_more["lo"] > 0):
        return "contradicted"
    return "reproduced" if more["lo"] <= 0 or (utr_vs_more and utr_vs_more.get("lo", 0) > 0) else "inconclusive"
