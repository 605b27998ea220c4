"""Events read off per-frame ground truth, and how time reversal maps them."""

from __future__ import annotations

from videoutr.world.palette import OPPOSITE

PATH = [(-20, 30), (-10, 30), (0, 30), (10, 30), (20, 30), (20, 30), (20, 30), (20, 20), (30, 20), (40, 20)]


def test_hand_written_trajectory_gives_the_expected_events(make_ann):
    colours = ["red"] * 5 + ["blue"] * 5
    leaving = [[20.0 - 10 * t, 50.0] for t in range(10)]
    ann = make_ann(
        [
            {"shape": "square", "size_px": 12, "center_xy": [list(map(float, p)) for p in PATH], "colour": colours},
            {"shape": "circle", "size_px": 12, "center_xy": leaving, "colour": ["green"] * 10},
        ],
        num_frames=10,
    )
    walker, leaver = ann.objects
    got = [(e.type, e.frame, e.details) for e in walker.events]
    assert got == [
        ("enter", 2, {"edge": "left", "direction": "right"}),
        ("stop", 4, {}),
        ("colour_change", 5, {"from": "red", "to": "blue"}),
        ("start", 6, {}),
        ("turn", 7, {"from": "up", "to": "right", "cause": "turn"}),
    ]
    assert [(e.type, e.frame, e.details) for e in leaver.events] == [("exit", 3, {"edge": "left", "direction": "left"})]


def test_bounce_is_told_from_a_turn(make_ann):
    path = [[40.0, 30.0], [50.0, 30.0], [57.0, 30.0], [47.0, 30.0], [37.0, 30.0]]
    ann = make_ann([{"shape": "square", "size_px": 12, "center_xy": path}], num_frames=5)
    (turn,) = ann.objects[0].events
    assert (turn.type, turn.frame, turn.details) == ("turn", 2, {"from": "right", "to": "left", "cause": "bounce"})


def _mirror(event, num_frames: int) -> tuple:
    """The event a time-reversed video shows for `event` of the original."""
    T, d = num_frames, event.details
    if event.type == "enter":
        return ("exit", T - event.frame, d["edge"], OPPOSITE[d["direction"]])
    if event.type == "exit":
        return ("enter", T - event.frame, d["edge"], OPPOSITE[d["direction"]])
    if event.type == "stop":
        return ("start", T - 1 - event.frame)
    if event.type == "start":
        return ("stop", T - 1 - event.frame)
    if event.type == "turn":
        return ("turn", T - 1 - event.frame, OPPOSITE[d["to"]], OPPOSITE[d["from"]], d["cause"])
    return ("colour_change", T - event.frame, d["to"], d["from"])


def _key(event) -> tuple:
    d = event.details
    extra = {
        "enter": ("edge", "direction"),
        "exit": ("edge", "direction"),
        "turn": ("from", "to", "cause"),
        "colour_change": ("from", "to"),
    }.get(event.type, ())
    return (event.type, event.frame, *(d[k] for k in extra))


def test_reversed_twins_mirror_every_event(scenes):
    for original, twin in scenes:
        assert twin.reversed_of == original.id and twin.id == f"{original.id}_rev"
        for obj, rev in zip(original.objects, twin.objects):
            expected = sorted(_mirror(e, original.num_frames) for e in obj.events)
            assert sorted(_key(e) for e in rev.events) == expected, (original.id, obj.id)
