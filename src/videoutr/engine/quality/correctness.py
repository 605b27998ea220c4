"""Answer correctness: is every claim of a generated answer true in the ground truth?

Each QA in `utr.json` carries its `claims` (see `videoutr.engine.query.tasks`). A claim about a
subject holds when the subject's track matches a ground-truth object (`match_tracks`) and:
colour and shape agree; every cited box overlaps the truth with IoU >= 0.5; first / last seen
and event frames are within `tol` frames; a moving segment's direction is within 30 degrees of
the true displacement and a still segment truly barely moves; "who is there" lists every object
that is at least half visible and none that is absent; "which object does X" lists every object
that does X; a pose action (`pose_action`) holds in the truth's per-frame `action` of the
object; a short-span answer (`box_to_path`) is about the object at its query box, whatever
track it came from; the camera's runs (`camera_motion`) hold on the truth's camera offsets as a
subject's segments do on its centre. An answer is correct when all its claims hold; failures are counted by reason,
and each wrong answer is listed (`wrong`: its sample, turn, task and reasons).

    report = answer_correctness(load_samples("runs/utr/utr.json"), clips, truth)
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from videoutr.data.llava import Sample
from videoutr.engine.detect.pose_actions import RAISING
from videoutr.engine.quality.metrics import MIN_VISIBLE, gt_box_norm, iou_matrix, match_tracks
from videoutr.engine.query.short import SHORT_TASKS
from videoutr.engine.track.kinematics import _DIRECTIONS
from videoutr.engine.types import ClipTrajectories
from videoutr.grid import grid_place

STILL_MOVE = 0.02  # a "stationary" claim allows this much true centre travel (frame sides)


class Check:
    """Ground truth of one video, with the engine's track-to-object matching."""

    def __init__(self, clip: ClipTrajectories, video: dict[str, Any], tol: int) -> None:
        self.clip, self.video, self.tol = clip, video, tol
        self.match = match_tracks(clip, video)
        self.objects = {o["id"]: o for o in video["objects"]}
        self.failures: list[str] = []

    def fail(self, reason: str) -> bool:
        self.failures.append(reason)
        return False

    def obj(self, track_id: int) -> dict[str, Any] | None:
        oid = self.match.get(track_id)
        return self.objects.get(oid) if oid is not None else None

    def box(self, obj, frame: int, box) -> bool:
        truth = gt_box_norm(self.video, obj, frame)
        if truth is None or iou_matrix(np.asarray([box], dtype=np.float64), truth[None])[0, 0] < 0.5:
            return self.fail("box")
        return True

    def colour(self, obj, frame: int | None, colour: str) -> bool:
        if frame is None:
            seen = [c for c, b in zip(obj["colour"], obj["box_xyxy"]) if b is not None]
            ok = colour in seen and len(set(seen)) == 1
        else:
            ok = obj["colour"][frame] == colour
        return ok or self.fail("colour")

    def shape(self, obj, shape: str) -> bool:
        if shape == "object":  # the engine did not name a shape: no claim
            return True
        return obj["shape"] == shape or self.fail("shape")

    def seen_span(self, obj) -> tuple[int, int]:
        frames = [f for f in self.clip.frame_idx if obj["box_xyxy"][f] is not None]
        return (frames[0], frames[-1]) if frames else (-1, -1)

    def seen_around(self, obj, frame: int) -> bool:
        """At least half visible somewhere within `tol` frames of `frame` (a doer one can see)."""
        frames = range(max(0, frame - self.tol), min(len(obj["visible_fraction"]), frame + self.tol + 1))
        return any(obj["box_xyxy"][f] is not None and obj["visible_fraction"][f] >= MIN_VISIBLE for f in frames)

    def event(self, obj, kind: str, frame: int) -> bool:
        ok = any(e["type"] == kind and abs(e["frame"] - frame) <= self.tol for e in obj.get("events", []))
        return ok or self.fail(f"event_{kind}")

    def centre(self, obj, frame: int) -> np.ndarray:
        if obj.get("center_xy"):
            c = np.asarray(obj["center_xy"][frame], dtype=np.float64)
        else:
            b = np.asarray(obj["box_xyxy"][frame], dtype=np.float64)
            c = (b[:2] + b[2:]) / 2
        return c / np.array([self.video["width"], self.video["height"]], dtype=np.float64)

    def segment(self, obj, state: str, start: int, end: int, direction: str | None) -> bool:
        a, b = start + self.tol, end - self.tol
        if b <= a:
            return True  # too short to judge beyond the frame tolerance
        return self.path_holds(np.array([self.centre(obj, f) for f in range(a, b + 1)]), state, direction)

    def camera_segment(self, state: str, start: int, end: int, direction: str | None) -> bool:
        """The view's own motion over the scene (`background_params.camera_xy`; none: a still camera)."""
        a, b = start + self.tol, end - self.tol
        if b <= a:
            return True
        offsets = self.video.get("background_params", {}).get("camera_xy")
        size = np.array([self.video["width"], self.video["height"]], dtype=np.float64)
        path = np.zeros((b - a + 1, 2)) if offsets is None else np.asarray(offsets[a : b + 1], dtype=np.float64)
        return self.path_holds(path / size, state, direction)

    def path_holds(self, path: np.ndarray, state: str, direction: str | None) -> bool:
        """A (normalised) path barely moves for "stationary", else travels within 30 degrees of `direction`."""
        travel = float(np.abs(np.diff(path, axis=0)).sum())
        if state == "stationary":
            return travel <= STILL_MOVE or self.fail("still")
        dx, dy = path[-1] - path[0]
        if math.hypot(dx, dy) < STILL_MOVE:
            return self.fail("moving")
        claimed = _DIRECTIONS.index(direction) * 45.0
        truth = math.degrees(math.atan2(-dy, dx)) % 360
        diff = abs(claimed - truth) % 360
        return min(diff, 360 - diff) <= 30.0 or self.fail("direction")

    def present(self, frames: list[int]) -> tuple[set[int], set[int]]:
        """Objects that must be named (>= half visible somewhere) and that may be named."""
        must = {
            o["id"]
            for o in self.video["objects"]
            if any(o["box_xyxy"][f] is not None and o["visible_fraction"][f] >= MIN_VISIBLE for f in frames)
        }
        may = {
            o["id"]
            for o in self.video["objects"]
            if any(o["box_xyxy"][f] is not None and o["visible_fraction"][f] > 0 for f in frames)
        }
        return must, may


def check_track_claims(c: Check, claims: dict[str, Any]) -> bool:
    obj = c.obj(claims["track_id"])
    if obj is None:
        return c.fail("unmatched_track")
    ok = c.shape(obj, claims["shape"]) & c.colour(obj, claims["query_frame"], claims["colour"])
    if "query_box" in claims:
        ok &= c.box(obj, claims["query_frame"], claims["query_box"])
    for frame, box in claims["boxes"]:
        ok &= c.box(obj, frame, box)
    first, last = c.seen_span(obj)
    ok &= (abs(first - claims["first_frame"]) <= c.tol and abs(last - claims["last_frame"]) <= c.tol) or c.fail(
        "seen_span"
    )
    for state, start, end, direction in claims["segments"]:
        if state != "unclear":  # said to be hard to see: no claim
            ok &= c.segment(obj, state, start, end, direction)
    for frame, to in claims["colour_changes"]:
        ok &= c.event(obj, "colour_change", frame) and (obj["colour"][frame] == to or c.fail("colour"))
    return bool(ok)


def check_path(c: Check, claims: dict[str, Any]) -> bool:
    """`box_to_path`: the object is the one at the query box (not the track's match over the
    whole clip: the answer says nothing beyond its span), then its colour, boxes and motion."""
    frame = claims["query_frame"]
    found = [
        (float(iou_matrix(np.asarray([claims["query_box"]], dtype=np.float64), truth[None])[0, 0]), o["id"])
        for o in c.video["objects"]
        if (truth := gt_box_norm(c.video, o, frame)) is not None
    ]
    best = max(found, default=(0.0, None))
    if best[0] < 0.5:
        return c.fail("box")
    obj = c.objects[best[1]]
    ok = c.shape(obj, claims["shape"]) & (claims["colour"] is None or c.colour(obj, frame, claims["colour"]))
    for f, box in claims["boxes"]:
        ok &= c.box(obj, f, box)
    for state, start, end, direction in claims["segments"]:
        ok &= c.segment(obj, state, start, end, direction)
    return bool(ok)


def check_subjects(c: Check, frames: list[int], subjects: list[dict[str, Any]]) -> bool:
    must, may = c.present(frames)
    named = [c.match.get(s["track_id"]) for s in subjects]
    if None in named or len(set(named)) != len(named):
        return c.fail("unmatched_track")
    ok = (must <= set(named) or c.fail("missed_subject")) & (set(named) <= may or c.fail("absent_subject"))
    for s, oid in zip(subjects, named):
        obj = c.objects[oid]
        ok &= c.shape(obj, s["shape"]) & c.colour(obj, s["boxes"][0][0], s["colour"])
        for frame, box in s["boxes"]:
            ok &= c.box(obj, frame, box)
    return bool(ok)


def check_action(c: Check, claims: dict[str, Any]) -> bool:
    kind = claims["event"]
    ok = True
    named = set()
    for s in claims["subjects"]:
        obj = c.obj(s["track_id"])
        if obj is None:
            return c.fail("unmatched_track")
        named.add(obj["id"])
        ok &= c.event(obj, kind, s["frame"])
        if s.get("box") is not None:
            ok &= c.box(obj, s["frame"], s["box"])
    lo, hi = c.clip.frame_idx[0], c.clip.frame_idx[-1]
    doers = {
        o["id"]
        for o in c.video["objects"]
        for e in o.get("events", [])
        if e["type"] == kind and lo < e["frame"] <= hi and c.seen_around(o, e["frame"])
    }
    return bool(ok & (doers <= named or c.fail("missed_subject")))


def check_summary(c: Check, claims: dict[str, Any]) -> bool:
    must, may = c.present(c.clip.frame_idx)
    named = [c.match.get(s["track_id"]) for s in claims["subjects"]]
    if None in named or len(set(named)) != len(named):
        return c.fail("unmatched_track")
    ok = (must <= set(named) or c.fail("missed_subject")) & (set(named) <= may or c.fail("absent_subject"))
    for s, oid in zip(claims["subjects"], named):
        ok &= c.shape(c.objects[oid], s["shape"])
    for track_id, kind, frame in claims["events"]:
        ok &= c.event(c.obj(track_id), kind, frame)
    return bool(ok)


def check_short(c: Check, task: str, claims: dict[str, Any]) -> bool:
    """The short-answer tasks (`engine.query.short`): one fact of one subject, or the count. The
    subject must be what its name says (shape, and colour where the name gives one): a question
    about "the blue diamond" where the video holds a blue circle is wrong whatever its answer."""
    if task == "subject_count":
        must, may = c.present(c.clip.frame_idx)
        return len(must) <= claims["count"] <= len(may) or c.fail("count")
    obj = c.obj(claims["subject_id"])
    if obj is None:
        return c.fail("unmatched_track")
    named = c.shape(obj, claims["shape"]) & (claims["colour"] is None or c.colour(obj, None, claims["colour"]))
    return named & check_short_fact(c, task, obj, claims)


def check_short_fact(c: Check, task: str, obj: dict[str, Any], claims: dict[str, Any]) -> bool:
    """The fact a short answer states about its (matched) subject."""
    if task in ("place_at_start", "place_at_end", "place_at_middle"):  # the claimed place at its frame(s)
        frames = claims["frames"] if "frames" in claims else [claims["frame"]]
        return all([_place_is(c, obj, frame, claims["location"]) for frame in frames])
    if task == "move_direction":
        return c.segment(obj, "moving", c.clip.frame_idx[0], c.clip.frame_idx[-1], claims["direction"])
    seen = [col for col, box in zip(obj["colour"], obj["box_xyxy"]) if box is not None]
    ok = list(dict.fromkeys(seen)) == claims["colours"] or c.fail("colour")
    if task == "place_at_change":  # the old colour, then the new one, both in the claimed place
        for frame, colour in ((claims["frame_before"], claims["colours"][0]), (claims["frame"], claims["colours"][1])):
            ok &= c.colour(obj, frame, colour) & _place_is(c, obj, frame, claims["location"])
    return bool(ok)


def _place_is(c: Check, obj: dict[str, Any], frame: int, place: str) -> bool:
    x, y = c.centre(obj, frame)
    return grid_place(x, y, 1.0, 1.0) == place or c.fail("location")


def check_camera(c: Check, claims: dict[str, Any]) -> bool:
    """`camera_motion`: each claimed run of the camera against the truth's camera offsets."""
    ok = True
    for state, start, end, direction in claims["segments"]:
        ok &= c.camera_segment(state, start, end, direction)
    return bool(ok)


def check_pose_action(c: Check, claims: dict[str, Any]) -> bool:
    """`pose_action` against the truth's per-frame `action` of the matched object: each claimed
    span holds its action (its frames `tol` in from either end); a hand answer also names every
    truly raised hand within the frames it covers."""
    obj = c.obj(claims["track_id"])
    if obj is None:
        return c.fail("unmatched_track")
    truth = obj.get("action")
    if truth is None:
        return c.fail("no_action_truth")
    ok = True
    for action, start, end in claims["spans"]:
        a, b = (start + c.tol, end - c.tol) if end - start > 2 * c.tol else ((start + end) // 2,) * 2
        ok &= all(truth[f] == action for f in range(a, b + 1)) or c.fail("action")
    if claims["kind"] == "hand":
        near = [(start - c.tol, end + c.tol) for _, start, end in claims["spans"]]
        frames = range(claims["first_frame"], claims["last_frame"] + 1)
        missed = [f for f in frames if truth[f] == RAISING and not any(a <= f <= b for a, b in near)]
        ok &= not missed or c.fail("missed_action")
    return bool(ok)


def check_qa(c: Check, task: str, claims: dict[str, Any]) -> bool:
    if task in SHORT_TASKS:
        return check_short(c, task, claims)
    if task in ("box_to_track", "location_to_track", "appearance_to_track"):
        return check_track_claims(c, claims)
    if task == "box_to_path":
        return check_path(c, claims)
    if task == "span_to_subjects":
        return check_subjects(
            c, [f for f in c.clip.frame_idx if claims["start"] <= f <= claims["end"]], claims["subjects"]
        )
    if task == "time_to_subjects":
        return check_subjects(c, [claims["frame"]], claims["subjects"])
    if task == "action_to_subjects":
        return check_action(c, claims)
    if task == "summary":
        return check_summary(c, claims)
    if task == "pose_action":
        return check_pose_action(c, claims)
    if task == "camera_motion":
        return check_camera(c, claims)
    return c.fail("unknown_task")


def answer_correctness(
    samples: list[Sample], clips: list[ClipTrajectories], truth: dict[str, dict[str, Any]], tol: int = 2
) -> dict[str, Any]:
    """Per task type: answers checked, correct, accuracy, and failure reasons; and every wrong
    answer (`wrong`: sample id, turn, task, reasons)."""
    by_id = {c.video_id: c for c in clips}
    checks: dict[str, Check] = {}
    totals: dict[str, Counter] = {}
    wrong: list[dict[str, Any]] = []
    for sample in samples:
        vid = sample.id.rsplit("-utr", 1)[0]
        if vid not in by_id or vid not in truth:
            continue
        c = checks.setdefault(vid, Check(by_id[vid], truth[vid], tol))
        for turn, qa in enumerate(sample.extra.get("utr", [])):
            before = len(c.failures)
            ok = check_qa(c, qa["task"], qa["claims"])
            counter = totals.setdefault(qa["task"], Counter())
            counter["answers"] += 1
            counter["correct"] += int(ok)
            reasons = sorted(set(c.failures[before:]))
            for reason in reasons:
                counter[f"fail:{reason}"] += 1
            if not ok:
                wrong.append({"sample": sample.id, "turn": turn, "task": qa["task"], "reasons": reasons})
    report = {
        task: {
            "answers": n["answers"],
            "correct": n["correct"],
            "accuracy": round(n["correct"] / n["answers"], 4),
            "failures": {k[5:]: v for k, v in sorted(n.items()) if k.startswith("fail:")},
        }
        for task, n in sorted(totals.items())
    }
    answers = sum(v["answers"] for v in report.values())
    correct = sum(v["correct"] for v in report.values())
    return {
        "answers": answers,
        "accuracy": round(correct / answers, 4) if answers else 0.0,
        "by_task": report,
        "wrong": wrong,
    }
