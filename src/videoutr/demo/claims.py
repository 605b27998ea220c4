"""The paper's claims, checked against a demo run's numbers, each with its target.

Each claim is `{"id", "claim", "value", "ci": [lo, hi], "target", "verdict"}`. Verdicts:
`reproduced` (the interval excludes zero in the claimed direction and the value meets the target),
`below target` (the direction is clear but the value misses the target), `inconclusive` (the
interval covers zero), `contradicted` (the interval lies on the other side), `not measured`.

    [c["id"] for c in claims(results)][:2]
"""

from __future__ import annotations

EPS = 1e-9


def _ci(found: dict | None) -> tuple[float | None, list[float | None]]:
    if not found or found.get("mean") is None:
        return None, [None, None]
    return found["mean"], [found.get("lo"), found.get("hi")]


def _verdict(value: float | None, ci: list, target: float, higher: bool = True, zero: float = 0.0) -> str:
    """Direction from the interval against `zero`, size from `value` against `target`."""
    if value is None:
        return "not measured"
    lo, hi = ci
    if lo is None or hi is None:  # no interval: judge the value alone
        lo = hi = value
    sign = 1 if higher else -1
    if (lo - zero if higher else zero - hi) <= EPS:
        return "contradicted" if (hi - zero if higher else zero - lo) < -EPS else "inconclusive"
    return "reproduced" if sign * (value - target) >= -EPS else "below target"


def _claim(cid: str, text: str, found: dict | None, target: float, higher: bool = True, zero: float = 0.0) -> dict:
    value, ci = _ci(found)
    return {
        "id": cid,
        "claim": text,
        "value": value,
        "ci": ci,
        "target": target,
        "verdict": _verdict(value, ci, target, higher, zero),
    }


def _lead_kept(comp: dict, cond: str) -> dict:
    """UTR's lead over captions under `cond` as a share of its full-video lead: the model 'loses
    most of its lead' when the share is below one half."""
    full, under = comp.get("utr_minus_captions_full"), comp.get(f"utr_minus_captions_{cond}")
    value = None
    if full and under and full.get("mean") and full["mean"] > EPS:
        value = under["mean"] / full["mean"]
    claim = {
        "id": f"utr_lead_kept_{cond}",
        "value": value,
        "ci": [None, None],
        "target": 0.5,
        "claim": f"The UTR model loses most of its lead over captions with the {_CONDITION[cond]}",
    }
    claim["verdict"] = "not measured" if value is None else ("reproduced" if value < 0.5 else "below target")
    return claim


def _found(value: float | None, ci: list | None) -> dict:
    """A value and its `[lo, hi]` interval (None when missing) in `_ci`'s form."""
    lo, hi = ci or [None, None]
    return {"mean": value, "lo": lo, "hi": hi}


_CONDITION = {
    "first": "first frame only",
    "last": "last frame only",
    "ends": "middle frames removed (the first and last frame only, in order)",
    "shuffled": "frames shuffled",
}


def claims(results: dict) -> list[dict]:
    comp, arms, probes = results.get("comparisons", {}), results.get("arms", {}), results.get("probes", {})
    utr_twins = arms.get("utr", {}).get("twins", {})
    mixtures, all_arms = results.get("finding1_mixtures", {}), results.get("finding1", {})
    out = [
        _claim(
            "utr_minus_captions",
            "The UTR model beats the caption model on temporal questions (accuracy, full video, paired)",
            comp.get("utr_minus_captions_full"),
            0.20,
        ),
        _claim(
            "utr_minus_format_control",
            "The lead is temporal, not format: UTR beats the format-matched control "
            "(same questions over one-frame stills)",
            comp.get("utr_minus_control_full"),
            0.15,
        ),
        _claim(
            "utr_acc_minus_chance",
            "The UTR model answers temporal questions well above chance",
            comp.get("utr_minus_chance_full"),
            0.30,
        ),
        _claim(
            "utr_twins_both_right",
            "The UTR model gets a question right on a video AND on its reversed twin",
            _found(utr_twins.get("both_right"), utr_twins.get("ci")),
            0.6,
        ),
        *[_lead_kept(comp, cond) for cond in _CONDITION],
        _claim(
            "tpl_utr_minus_captions",
            "UTR data has the higher TPL (under the base, no arm)",
            comp.get("tpl_utr_minus_captions"),
            0.0,
        ),
        _claim(
            "tpl_accuracy_r",
            "Higher mean TPL of the training data goes with higher temporal accuracy "
            f"(Pearson r over the {mixtures.get('n', 0)} mixtures of captions and UTR dialogues)",
            _found(mixtures.get("pearson_r"), mixtures.get("ci")),
            0.8,
        ),
        _claim(
            "tpl_accuracy_r_all_arms",
            "The same over every arm, the caption pools selected by TPL or size included "
            f"(Pearson r over {all_arms.get('n', 0)} arms)",
            _found(all_arms.get("pearson_r"), all_arms.get("ci")),
            0.8,
        ),
        _claim(
            "frames_used_utr_minus_captions",
            "The UTR model relies on more frames (frames whose masking costs the right answer >= 0.1 nats, paired)",
            probes.get("masking", {}).get("utr_minus_captions"),
            0.0,
        ),
    ]
    return out
