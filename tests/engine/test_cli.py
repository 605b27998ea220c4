"""The engine's commands through the CLI: engine run, engine eval, engine overlay, and their error lines."""

import json
import subprocess
import sys

import cv2
from typer.testing import CliRunner

from videoutr.cli import app
from videoutr.video import probe_video

runner = CliRunner()


def test_engine_eval_and_overlay(world_dir, tmp_path):
    out = tmp_path / "out"
    config = tmp_path / "engine.yaml"
    config.write_text("# videoutr engine run --config engine.yaml ...\nquery:\n  samples_per_video: 1\n")
    result = runner.invoke(
        app,
        [
            "engine",
            "run",
            "--videos",
            str(world_dir / "videos"),
            "--out",
            str(out),
            "--no-progress",
            "--config",
            str(config),
            "track.min_track_len=3",
            "--seed",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "videos ok" in result.output
    saved = json.loads((out / "engine_config.json").read_text())
    assert (
        saved["query"]["samples_per_video"] == 1
        and saved["query"]["seed"] == 4
        and saved["track"]["min_track_len"] == 3
    )

    result = runner.invoke(app, ["engine", "eval", "--out", str(out), "--truth", str(world_dir)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "eval.json").read_text())
    assert report["tracking"]["IDF1"] > 0.8 and "box_to_track" in report["answers"]["by_task"]
    assert "IDF1" in result.output and "box_to_track" in result.output

    video_id = json.loads((out / "trajectories.jsonl").read_text().splitlines()[0])["video_id"]
    png, mp4 = tmp_path / "strip.png", tmp_path / "tracks.mp4"
    assert (
        runner.invoke(
            app, ["engine", "overlay", "--out", str(out), "--video", video_id, "--to", str(png), "--frames", "4"]
        ).exit_code
        == 0
    )
    strip = cv2.imread(str(png))
    assert strip.shape[1] > 4 * strip.shape[0] - 100  # four tiles side by side
    result = runner.invoke(app, ["engine", "overlay", "--out", str(out), "--video", video_id, "--to", str(mp4)])
    assert result.exit_code == 0, result.output
    assert probe_video(mp4).num_frames == 32 and "track 1:" in result.output


def _videoutr(*args: str) -> subprocess.CompletedProcess:
    """`videoutr ARGS` in a fresh interpreter, as a user meets it (exit code, one-line stderr)."""
    code = "import sys; from videoutr.cli import main; sys.argv = ['videoutr'] + sys.argv[1:]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)


def test_cli_errors_are_one_line_and_exit_2(tmp_path):
    run = ["engine", "run", "--videos", str(tmp_path), "--out", str(tmp_path / "o")]
    bad = _videoutr(*run, "--detector", "yolo")
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: engine run: unknown detector 'yolo'")
    assert len(bad.stderr.strip().splitlines()) == 1
    bad = _videoutr(*run, "--set", "track.nope=1")  # the deprecated spelling
    assert bad.returncode == 2 and "track.nope" in bad.stderr and "--set is deprecated" in bad.stderr
