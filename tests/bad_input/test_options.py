"""Bad options and bad files that stop a command before any work: exit code 2, one `error:` line
naming every culprit, and nothing written to the output (so that nothing is locked either)."""

from __future__ import annotations

import json

import pytest

# (args, files to create under T first, words the single error line must contain)
# placeholders: {W} the world, {M} the model, {T} this test's folder; outputs are {T}/out*
C, B = "{W}/captions.json", "{W}/bench.json"
TPL = ["tpl", "score", "--model", "{M}", "--data", C, "--video-root", "{W}", "--out", "{T}/out.jsonl"]
EVAL = ["eval", "run", "--model", "{M}", "--bench", B, "--video-root", "{W}", "--out", "{T}/out"]
PROBE = ["eval", "probe", "--model", "{M}", "--bench", B, "--video-root", "{W}", "--out", "{T}/out"]
ENGINE = ["engine", "run", "--videos", "{W}/videos", "--out", "{T}/out", "--no-progress"]
ATTN = [
    "tpl",
    "attention",
    "--model",
    "{M}",
    "--video",
    "{W}/videos/v00000.mp4",
    "--prompt",
    "What moves?",
    "--out",
    "{T}/out",
]
SCORES = '{"id": "x", "tpl": 0.5}\n'
FILTER = ["tpl", "filter", "--scores", "{T}/scores.jsonl", "--data", C, "--out", "{T}/out.json"]
TRAIN = [
    "train",
    "--config",
    "{R}",
    "model.path={M}",
    f"data.datasets=[{{json_path: {C}}}]",
    "data.video_root=[{W}]",
    "run.output_dir={T}/out",
    "--dry-run",
]
WORLD = ["world", "--out", "{T}/out", "--num-videos", "2"]

CASES = {
    # tpl
    "tpl-frames-0": (TPL + ["--frames", "0"], {}, ["--frames", ">= 1"]),
    "tpl-batch-size-0": (TPL + ["--batch-size", "0"], {}, ["--batch-size"]),
    "tpl-key-frame": (TPL + ["--key-frame", "second"], {}, ["--key-frame", "second"]),
    "tpl-mode": (TPL + ["--mode", "log"], {}, ["--mode", "log"]),
    "tpl-device": (TPL + ["--device", "bogus"], {}, ["--device", "bogus"]),
    "tpl-dtype": (TPL + ["--dtype", "int8"], {}, ["--dtype", "int8"]),
    "tpl-all-at-once": (
        TPL + ["--frames", "0", "--device", "gpu0", "--mode", "x"],
        {},
        ["--frames", "--device", "--mode"],
    ),
    "tpl-missing-local-model": (
        ["tpl", "score", "--model", "{T}/no-model", "--data", C, "--out", "{T}/out.jsonl"],
        {},
        ["--model", "no-model", "no such model folder"],
    ),
    "tpl-missing-data": (
        ["tpl", "score", "--model", "{M}", "--data", "{T}/nope.json", "--out", "{T}/out.jsonl"],
        {},
        ["--data", "nope.json", "not found"],
    ),
    "tpl-out-is-folder": (TPL[:-1] + ["{T}/outdir"], {"outdir/keep.txt": "x"}, ["--out", "outdir", "is a folder"]),
    "tpl-out-is-data": (
        ["tpl", "score", "--model", "{M}", "--data", "{T}/d.json", "--out", "{T}/./d.json"],
        {"d.json": "[]"},
        ["--out", "overwrite the input --data"],
    ),
    "tpl-out-unwritable": (TPL[:-1] + ["{T}/afile/out.jsonl"], {"afile": "x"}, ["--out", "cannot be written"]),
    "tpl-out-read-only": (TPL[:-1] + ["/proc/1/out.jsonl"], {}, ["--out /proc/1/out.jsonl", "cannot be written"]),
    "tpl-video-root-missing": (TPL + ["--video-root", "{T}/nowhere"], {}, ["--video-root", "nowhere"]),
    "tpl-data-not-a-list": (
        ["tpl", "score", "--model", "{M}", "--data", "{T}/d.json", "--out", "{T}/out.jsonl"],
        {"d.json": '{"id": 1}'},
        ["d.json", "expected a JSON list"],
    ),
    "tpl-data-malformed-json": (
        ["tpl", "score", "--model", "{M}", "--data", "{T}/d.json", "--out", "{T}/out.jsonl"],
        {"d.json": '[{"id": 1},'},
        ["d.json", "malformed JSON"],
    ),
    "tpl-data-not-utf8": (
        ["tpl", "score", "--model", "{M}", "--data", "{T}/d.json", "--out", "{T}/out.jsonl"],
        {"d.json": b"\xff\xfe[]"},
        ["d.json", "UTF-8"],
    ),
    # filter
    "filter-min-tpl-nan": (FILTER + ["--min-tpl", "nan"], {"scores.jsonl": SCORES}, ["min_tpl", "finite"]),
    "filter-both-criteria": (
        FILTER + ["--min-tpl", "0", "--top-fraction", "0.5"],
        {"scores.jsonl": SCORES},
        ["exactly one"],
    ),
    "filter-no-criterion": (FILTER, {"scores.jsonl": SCORES}, ["exactly one"]),
    "filter-top-fraction-1.5": (
        FILTER + ["--top-fraction", "1.5"],
        {"scores.jsonl": SCORES},
        ["--top-fraction", "1.5"],
    ),
    "filter-top-fraction-0": (FILTER + ["--top-fraction", "0"], {"scores.jsonl": SCORES}, ["--top-fraction"]),
    "filter-out-is-data": (
        [
            "tpl",
            "filter",
            "--scores",
            "{T}/scores.jsonl",
            "--data",
            "{T}/d.json",
            "--out",
            "{T}/d.json",
            "--top-fraction",
            "0.5",
        ],
        {"scores.jsonl": SCORES, "d.json": "[]"},
        ["overwrite the input --data"],
    ),
    "filter-out-is-scores": (
        FILTER[:-1] + ["{T}/scores.jsonl", "--top-fraction", "0.5"],
        {"scores.jsonl": SCORES},
        ["overwrite the input --scores"],
    ),
    "filter-scores-of-other-data": (
        FILTER + ["--top-fraction", "0.5"],
        {"scores.jsonl": SCORES},
        ["none of the 1 scored ids", "other data"],
    ),
    "filter-scores-malformed-line": (
        FILTER + ["--top-fraction", "0.5"],
        {"scores.jsonl": SCORES + "{oops\n"},
        ["scores.jsonl:2", "malformed JSON"],
    ),
    "filter-scores-mistyped-tpl": (
        FILTER + ["--top-fraction", "0.5"],
        {"scores.jsonl": '{"id": "x", "tpl": "high"}\n'},
        ["scores.jsonl", "'tpl' must be a number"],
    ),
    # eval / probe
    "eval-frames-0": (EVAL + ["--frames", "0"], {}, ["--frames"]),
    "eval-limit-negative": (EVAL + ["--limit", "-3"], {}, ["--limit", "-3"]),
    "eval-max-new-tokens-0": (EVAL + ["--max-new-tokens", "0"], {}, ["--max-new-tokens"]),
    "eval-device": (EVAL + ["--device", "bogus"], {}, ["--device", "bogus"]),
    "eval-dtype": (EVAL + ["--dtype", "half-ish"], {}, ["--dtype"]),
    "eval-conditions": (EVAL + ["--conditions", "full,sideways"], {}, ["sideways"]),
    "eval-method": (EVAL + ["--method", "vote"], {}, ["method", "vote"]),
    "eval-format": (EVAL + ["--format", "csv"], {}, ["--format", "csv"]),
    "eval-out-is-file": (EVAL[:-1] + ["{T}/afile"], {"afile": "x"}, ["--out", "is a file"]),
    "eval-bench-missing": (
        ["eval", "run", "--model", "{M}", "--bench", "{T}/nope.json", "--out", "{T}/out"],
        {},
        ["--bench", "nope.json"],
    ),
    "eval-missing-local-model": (
        ["eval", "run", "--model", "./no/such/model", "--bench", B, "--out", "{T}/out"],
        {},
        ["no such model folder"],
    ),
    "eval-bench-not-a-list": (
        ["eval", "run", "--model", "{M}", "--bench", "{T}/b.json", "--out", "{T}/out"],
        {"b.json": '"just a string"'},
        ["b.json", "list or mapping"],
    ),
    "probe-key-frame": (PROBE + ["--key-frame", "penultimate"], {}, ["key_frame", "penultimate"]),
    "probe-all-at-once": (
        PROBE + ["--frames", "0", "--limit", "0", "--device", "tpu"],
        {},
        ["--frames", "--limit", "--device"],
    ),
    # engine / engine-eval
    "engine-workers-0": (ENGINE + ["--workers", "0"], {}, ["--workers"]),
    "engine-workers-negative": (ENGINE + ["--workers", "-3"], {}, ["--workers", "-3"]),
    "engine-override-mistyped": (
        ENGINE + ["track.split_penalty=abc"],
        {},
        ["track.split_penalty", "expected a number"],
    ),
    "engine-override-unknown-key": (ENGINE + ["track.nope=1"], {}, ["track.nope", "unknown key"]),
    "engine-override-not-a-section": (ENGINE + ["detector.x=1"], {}, ["detector.x=1", "not a section"]),
    "engine-override-out-of-range": (ENGINE + ["track.high_conf=7"], {}, ["track.high_conf"]),
    "engine-shard-out-of-range": (ENGINE + ["--shard", "3/2"], {}, ["--shard", "3/2"]),
    "engine-shard-malformed": (ENGINE + ["--shard", "half"], {}, ["--shard", "half"]),
    "engine-executor": (ENGINE + ["--executor", "slurm"], {}, ["--executor", "slurm"]),
    "engine-videos-missing": (
        ["engine", "run", "--videos", "{T}/novideos", "--out", "{T}/out"],
        {},
        ["--videos", "novideos"],
    ),
    "engine-one-frame": (ENGINE + ["--frames", "1"], {}, ["num_frames", ">= 2"]),
    "engine-config-malformed-yaml": (
        ENGINE + ["--config", "{T}/e.yaml"],
        {"e.yaml": "track: [1,\n  min: 2\n"},
        ["e.yaml", "malformed YAML"],
    ),
    "engine-config-not-a-mapping": (
        ENGINE + ["--config", "{T}/e.yaml"],
        {"e.yaml": "- 1\n- 2\n"},
        ["e.yaml", "mapping"],
    ),
    "engine-all-at-once": (
        ENGINE + ["--workers", "0", "track.split_penalty=abc", "--detector", "yolo"],
        {},
        ["--workers", "track.split_penalty", "yolo"],
    ),
    "engine-eval-tol-negative": (
        ["engine", "eval", "--out", "{T}/run", "--truth", "{W}", "--tol", "-5"],
        {"run/trajectories.jsonl": "", "run/utr.json": "[]"},
        ["--tol", "-5"],
    ),
    "engine-eval-not-a-run": (
        ["engine", "eval", "--out", "{T}/run", "--truth", "{W}"],
        {"run/x": ""},
        ["trajectories.jsonl", "not found"],
    ),
    "overlay-to-suffix": (
        ["engine", "overlay", "--out", "{T}/run", "--video", "v00000", "--to", "{T}/out.gif"],
        {"run/trajectories.jsonl": ""},
        ["--to", "out.gif", ".png or .mp4"],
    ),
    "overlay-frames-0": (
        ["engine", "overlay", "--out", "{T}/run", "--video", "v00000", "--to", "{T}/out.png", "--frames", "0"],
        {"run/trajectories.jsonl": ""},
        ["--frames"],
    ),
    # attention
    "attention-layers-last-0": (ATTN + ["--layers", "last:0"], {}, ["--layers", "last:0"]),
    "attention-layers-junk": (ATTN + ["--layers", "1,x"], {}, ["--layers", "1,x"]),
    "attention-threshold-negative": (ATTN + ["--threshold", "-1"], {}, ["--threshold", "-1"]),
    "attention-frames-0": (ATTN + ["--frames", "0"], {}, ["--frames"]),
    "attention-device": (ATTN + ["--device", "bogus"], {}, ["--device", "bogus"]),
    "attention-video-missing": (ATTN[:5] + ["{T}/nope.mp4"] + ATTN[6:], {}, ["--video", "nope.mp4"]),
    "attention-image-as-video": (ATTN[:5] + ["{W}/bad/image.mp4"] + ATTN[6:], {}, ["image.mp4", "still image"]),
    # train
    "train-max-steps-negative": (TRAIN + ["run.max_steps=-5"], {}, ["run.max_steps", "-5"]),
    "train-lr-mistyped": (TRAIN + ["optim.lr=abc"], {}, ["optim.lr", "expected a number"]),
    "train-unknown-key": (TRAIN + ["optim.momentum=0.9"], {}, ["optim.momentum", "unknown key"]),
    "train-bad-override": (TRAIN + ["optim.lr"], {}, ["optim.lr", "key=value"]),
    "train-missing-local-model": (TRAIN + ["model.path={T}/no-model"], {}, ["model.path", "no such model folder"]),
    "train-missing-mixture": (TRAIN + ["data.mixture={T}/none.yaml"], {}, ["none.yaml", "not found"]),
    "train-mixture-malformed": (
        TRAIN + ["data.mixture={T}/mix.yaml"],
        {"mix.yaml": "datasets: 3\n"},
        ["mix.yaml", "'datasets:' list"],
    ),
    "train-recipe-malformed-yaml": (
        ["train", "--config", "{T}/r.yaml", "--dry-run"],
        {"r.yaml": "run: {a: 1\n"},
        ["r.yaml", "malformed YAML"],
    ),
    "train-recipe-not-a-mapping": (
        ["train", "--config", "{T}/r.yaml", "--dry-run"],
        {"r.yaml": "[1, 2]\n"},
        ["r.yaml", "mapping"],
    ),
    # world / model init
    "world-num-videos-0": (["world", "--out", "{T}/out", "--num-videos", "0"], {}, ["num_videos"]),
    "world-frames-2": (WORLD + ["--frames", "2"], {}, ["frames", ">= 4"]),
    "world-odd-size": (WORLD + ["--size", "31", "31"], {}, ["height", "width"]),
    "world-workers-0": (WORLD + ["--workers", "0"], {}, ["--workers"]),
    "world-out-is-file": (["world", "--out", "{T}/afile", "--num-videos", "2"], {"afile": "x"}, ["--out", "is a file"]),
    "world-test-fraction": (WORLD + ["--test-fraction", "1.5"], {}, ["test_fraction"]),
    "world-override-unknown-and-bad": (WORLD + ["colour_count=3", "p_turn=often"], {}, ["colour_count", "p_turn"]),
    "model-init-preset": (["model", "init", "--out", "{T}/out", "--preset", "huge"], {}, ["--preset", "huge"]),
    "model-init-out-is-file": (["model", "init", "--out", "{T}/afile"], {"afile": "x"}, ["--out", "is a file"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_option_or_file_stops_before_any_work(case, cli, world, model, tmp_path):
    args, files, needles = CASES[case]
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    from videoutr.train.config import DEFAULT_RECIPE

    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    fill = {"{W}": str(world), "{M}": str(model), "{T}": str(tmp_path), "{R}": str(DEFAULT_RECIPE)}
    argv = []
    for arg in args:
        for key, value in fill.items():
            arg = arg.replace(key, value)
        argv.append(arg)
    code, stdout, stderr = cli(*argv)
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert code == 2, (stdout, stderr)
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    assert not list(tmp_path.glob("out*")) or case.endswith(("out-is-folder", "out-is-file")), "an output was written"
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before, "an input was changed"


def test_debug_shows_the_traceback(cli, world, model, tmp_path):
    from videoutr.errors import ConfigError

    with pytest.raises(ConfigError, match="--frames"):
        cli(
            "--debug",
            *[a.replace("{W}", str(world)).replace("{M}", str(model)).replace("{T}", str(tmp_path)) for a in TPL],
            "--frames",
            "0",
        )


def test_a_bug_is_one_line_with_a_hint(cli, monkeypatch, world, model, tmp_path):
    import videoutr.tpl.run as run

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(run, "run_tpl", broken)
    code, _, stderr = cli(
        *[a.replace("{W}", str(world)).replace("{M}", str(model)).replace("{T}", str(tmp_path)) for a in TPL]
    )
    assert code == 2 and stderr.strip().splitlines() == [
        "error: internal error (KeyError: 'oops'); rerun with --debug for the traceback"
    ]


def test_readme_training_command_replaces_the_recipe_data(cli, world, model, tmp_path):
    """`data.mixture=...` on the command line is the data trained on, not an addition to the recipe's."""
    mixture = tmp_path / "mixture.yaml"
    subset = json.loads((world / "captions.json").read_text())[:4]
    (tmp_path / "four.json").write_text(json.dumps(subset))
    mixture.write_text("datasets:\n  - json_path: four.json\n")
    from videoutr.train.config import DEFAULT_RECIPE

    code, stdout, stderr = cli(
        "train",
        "--config",
        DEFAULT_RECIPE,
        f"model.path={model}",
        f"data.mixture={mixture}",
        f"data.video_root=[{world}]",
        "data.eval_fraction=0",
        f"run.output_dir={tmp_path}/run",
        "--dry-run",
    )
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["train_samples"] == 4 and report["recipe"]["data"]["datasets"] == []
