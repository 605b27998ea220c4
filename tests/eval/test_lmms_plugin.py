"""The lmms-eval plugin: request handling, task YAMLs, and (where lmms-eval installs) the model class."""

from __future__ import annotations

import importlib.util
import json
import os
import sys

import pytest
import yaml

from videoutr.eval.lmms import TASKS_DIR
from videoutr.eval.lmms.core import VideoutrLmmsCore, cut_at_stops
from videoutr.eval.lmms.tasks import SHIPPED, write_shipped, write_task


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, tag, node: f"!{tag} {loader.construct_scalar(node)}")


def _yaml(path):
    return yaml.load(path.read_text(), Loader=_Loader)


def _need_lmms_eval() -> None:
    """Skip without lmms-eval outside CI; in CI (`CI` set, as `.ci/run` does) the `lmms` extra is
    installed by `make test`, so its absence is a failure."""
    if importlib.util.find_spec("lmms_eval") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the lmms-eval tests but lmms-eval is missing (make test installs '.[lmms]')")
        pytest.skip("lmms-eval is an optional extra: pip install 'videoutr[lmms]'")


def test_cut_at_stops():
    assert cut_at_stops("B. left\nmore", ["\n"]) == "B. left"
    assert cut_at_stops("abc", None) == "abc" and cut_at_stops("a</s>b", "</s>") == "a"


def test_shipped_tasks_are_what_the_generator_writes(tmp_path):
    write_shipped(tmp_path)
    for name in SHIPPED:
        for path in (tmp_path / name).iterdir():
            assert path.read_text() == (TASKS_DIR / name / path.name).read_text(), path.name


def test_every_function_a_shipped_task_names_loads_from_its_utils():
    """As lmms-eval resolves `!function utils.NAME`: `utils.py` beside the YAML, loaded from its path."""
    for folder in TASKS_DIR.iterdir():
        if not (folder / "utils.py").is_file():
            continue
        spec = importlib.util.spec_from_file_location("utils", folder / "utils.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        named = {
            value.split()[1].split(".", 1)[1]
            for path in folder.glob("*.yaml")
            for value in _yaml(path).values()
            if isinstance(value, str) and value.startswith("!function utils.")
        }
        assert "doc_to_visual" in named and all(callable(getattr(module, name)) for name in named), folder.name
        assert len((folder / "utils.py").read_text().splitlines()) <= 6  # a root and an import: no copied logic


def test_generated_task_scores_like_videoutr_eval(eval_world, tmp_path, monkeypatch):
    written = write_task(tmp_path, "tiny_world", eval_world / "bench.json", eval_world, "mcq")
    gen, ll = (_yaml(p) for p in written)
    assert gen["output_type"] == "generate_until" and ll["output_type"] == "multiple_choice"
    assert gen["dataset_kwargs"]["data_files"]["test"] == str((eval_world / "bench.json").resolve())
    monkeypatch.syspath_prepend(str(tmp_path / "tiny_world"))
    sys.modules.pop("utils", None)
    utils = importlib.import_module("utils")
    doc = json.loads((eval_world / "bench.json").read_text())[1]  # answer "right"
    assert utils.doc_to_visual(doc) == [str((eval_world / "videos/v1.mp4").resolve())]
    assert utils.answer_index(doc) == 1 and utils.ll_doc_to_choice(doc) == ["left", "right", "up"]
    assert utils.mcq_doc_to_text(doc).endswith("Answer with the option's letter from the given choices directly.")
    assert utils.mcq_process_results(doc, ["(B) right"]) == {"accuracy": 1.0}
    assert utils.mcq_process_results(doc, ["A"]) == {"accuracy": 0.0}
    open_doc = {"video_name": "v", "question": "what?", "answer": ["a dog", "dog"]}
    assert utils.open_process_results(open_doc, ["The dog."]) == {"exact_match": 1.0, "token_f1": 1.0}
    sys.modules.pop("utils", None)


def test_core_loglikelihood_is_log_probability(eval_world):
    from videoutr.eval.scoring import _dialogue, dialogue_logliks

    core = VideoutrLmmsCore(str(eval_world / "model"), frames=4)
    video = [str(eval_world / "videos/v0.mp4")]
    ll, greedy = core.loglikelihood("Where does it move?", " left", video)
    ref, _ = dialogue_logliks(
        core.model, core.processor, [_dialogue("x", "Where does it move?", "left")], core.frames(video)
    )
    assert ll == pytest.approx(ref[0]) and ll < 0 and greedy is False
    assert isinstance(core.generate("Where?", video, {"max_new_tokens": 3, "until": ["\n"]}), str)


def test_model_class_inside_lmms_eval(eval_world):
    _need_lmms_eval()
    from videoutr.eval.lmms.manifest import manifests
    from videoutr.eval.lmms.model import VideoutrLMM

    assert manifests()[0].model_id == "videoutr"
    lm = VideoutrLMM(pretrained=str(eval_world / "model"), frames=4)
    doc = {"video": "videos/v0.mp4"}
    lm.task_dict = {"t": {"test": [doc]}}

    class Req:
        args = ("Where?", " left", lambda d: [str(eval_world / d["video"])], 0, "t", "test")

    (res,) = lm.loglikelihood([Req()])
    pair = getattr(res, "text", res)
    assert pair[0] < 0


@pytest.mark.slow
def test_lmms_eval_cli_runs_local_tasks(eval_world, tmp_path):
    """`python -m lmms_eval --model videoutr --include_path ... --limit 8` on a local benchmark, end to end."""
    _need_lmms_eval()
    import subprocess

    bench = tmp_path / "bench.json"
    bench.write_text(
        json.dumps([d for d in json.loads((eval_world / "bench.json").read_text()) if "nope" not in d["video"]])
    )
    write_task(tmp_path / "tasks", "tiny_world", bench, eval_world, "mcq")
    cmd = [
        sys.executable,
        "-m",
        "lmms_eval",
        "--model",
        "videoutr",
        "--model_args",
        f"pretrained={eval_world / 'model'},frames=4",
        "--tasks",
        "tiny_world,tiny_world_ll",
        "--include_path",
        str(tmp_path / "tasks"),
        "--limit",
        "8",
        "--output_path",
        str(tmp_path / "out"),
    ]
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(p.read_text()) for p in (tmp_path / "out").rglob("*results*.json")]
    assert results, proc.stdout[-2000:]
    scores = results[0]["results"]
    assert 0.0 <= scores["tiny_world_ll"]["acc,none"] <= 1.0 and "accuracy,none" in scores["tiny_world"]
