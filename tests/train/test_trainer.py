"""Training runs on the tiny model and tiny world: labels, loss, trainable parts, LoRA, bad input."""

from __future__ import annotations

import json
import math

import pytest
import torch
from safetensors.torch import load_file

from videoutr.data.llava import Sample
from videoutr.errors import ConfigError, TrainingError
from videoutr.models.sampling import FramePolicy
from videoutr.train.config import load_recipe
from videoutr.train.data import Collator, TrainDataset
from videoutr.train.trainer import latest_checkpoint, run_training

TINY = "tiny_cpu"


def _recipe(tiny_world, tmp_path, tiny_overrides, *extra):
    return load_recipe(TINY, tiny_overrides(tiny_world, tmp_path / "run", *extra))


def _weights(folder):
    return load_file(str(folder / "model.safetensors"))


def test_labels_cover_only_assistant_tokens(tiny_world):
    from videoutr.models.load import load_video_model

    _, processor = load_video_model(tiny_world / "model")
    samples = [Sample.from_llava(r) for r in json.loads((tiny_world / "train.json").read_text())[:2]]
    ds = TrainDataset(samples, processor, FramePolicy(num_frames=8), [tiny_world], max_length=4096)
    batch = Collator(processor.tokenizer.pad_token_id)([ds[0], ds[1]])
    tok = processor.tokenizer
    for row, sample in enumerate(samples):
        labelled = batch["labels"][row][batch["labels"][row] != -100].tolist()
        expected = "".join(a + "<|im_end|>" for a in sample.assistant_turns)
        assert tok.decode(labelled) == expected
        video_positions = batch["input_ids"][row] == processor.tokenizer.convert_tokens_to_ids("<video>")
        assert video_positions.sum() > 0 and (batch["labels"][row][video_positions] == -100).all()


def test_sample_cache_returns_the_same_encoding(tiny_world):
    from videoutr.models.load import load_video_model

    _, processor = load_video_model(tiny_world / "model")
    samples = [Sample.from_llava(r) for r in json.loads((tiny_world / "train.json").read_text())[:3]]
    cached = TrainDataset(samples, processor, FramePolicy(num_frames=4), [tiny_world], 4096, cache_samples=2)
    plain = TrainDataset(samples, processor, FramePolicy(num_frames=4), [tiny_world], 4096)
    first, second = cached[0], cached[1]
    assert cached[0] is first and cached[1] is second
    assert cached[2] is not cached[2]  # bounded: only the first two are kept
    assert torch.equal(cached[1].vision["pixel_values_videos"], plain[1].vision["pixel_values_videos"])


def test_short_run_lowers_heldout_loss_and_saves_hf_checkpoints(tiny_world, tmp_path, tiny_overrides):
    recipe = _recipe(
        tiny_world,
        tmp_path,
        tiny_overrides,
        "run.max_steps=12",
        "run.save_steps=6",
        f"data.eval_json={tiny_world / 'heldout.json'}",
        "run.eval_steps=12",
    )
    summary = run_training(recipe)
    assert summary["eval_loss_last"] < summary["eval_loss_first"] - 0.5
    out = tmp_path / "run"
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    lrs = [r["learning_rate"] for r in log if "learning_rate" in r]
    assert max(lrs) == pytest.approx(7e-4) and lrs[-1] < max(lrs) / 4  # warm-up then cosine decay
    from transformers import AutoProcessor, LlavaOnevisionForConditionalGeneration

    for folder in (out, latest_checkpoint(out)):
        LlavaOnevisionForConditionalGeneration.from_pretrained(folder)
        AutoProcessor.from_pretrained(folder)
        assert json.loads((folder / "videoutr.json").read_text())["num_frames"] == 8


def test_projector_only_changes_only_the_projector(tiny_world, tmp_path, tiny_overrides):
    run_training(
        _recipe(tiny_world, tmp_path, tiny_overrides, "tune.mm_tunable_parts=[mm_mlp_adapter]", "run.max_steps=2")
    )
    before, after = _weights(tiny_world / "model"), _weights(tmp_path / "run")
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all("multi_modal_projector" in k or "image_newline" in k for k in changed)


def test_vision_lr_zero_freezes_vision_tower_only(tiny_world, tmp_path, tiny_overrides):
    run_training(_recipe(tiny_world, tmp_path, tiny_overrides, "tune.vision_lr=0", "run.max_steps=2"))
    before, after = _weights(tiny_world / "model"), _weights(tmp_path / "run")
    vision = [k for k in before if "vision_tower" in k]
    assert all(torch.equal(before[k], after[k]) for k in vision)
    assert any(not torch.equal(before[k], after[k]) for k in before if "language_model" in k)


def test_lora_changes_only_adapted_language_layers(tiny_world, tmp_path, tiny_overrides):
    summary = run_training(
        _recipe(
            tiny_world,
            tmp_path,
            tiny_overrides,
            "tune.lora.enabled=true",
            "tune.mm_tunable_parts=[mm_language_model]",
            "run.max_steps=2",
            "optim.lr=5e-3",
        )
    )
    assert set(summary["trainable"]) == {"lora"}
    before, after = _weights(tiny_world / "model"), _weights(tmp_path / "run")  # LoRA merged on save
    assert set(before) == set(after)
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    targets = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
    assert changed and all("language_model" in k and k.split(".")[-2] in targets for k in changed)
    assert (tmp_path / "run/adapter/adapter_config.json").is_file()


def test_missing_mixture_file_fails_before_training(tiny_world, tmp_path, tiny_overrides):
    recipe = _recipe(tiny_world, tmp_path, tiny_overrides, f"data.datasets=[{{json_path: {tmp_path}/nope.json}}]")
    with pytest.raises(ConfigError, match="nope.json: file not found"):
        run_training(recipe)
    assert not (tmp_path / "run/recipe.json").exists()


def test_missing_and_unreadable_videos_are_skipped_and_counted(tiny_world, tmp_path, tiny_overrides):
    records = json.loads((tiny_world / "train.json").read_text())
    records[0]["video"] = "videos/does_not_exist.mp4"
    (tmp_path / "broken.mp4").write_bytes(b"this is not a video" * 100)
    records[1]["video"] = "broken.mp4"  # found in the second video root
    records[2]["video"] = str(tmp_path / "broken.mp4")  # an absolute path: inside a root, allowed
    records[3]["video"] = "../../../etc/hostname"  # leaves every root: skipped
    data = tmp_path / "data.json"
    data.write_text(json.dumps(records))
    summary = run_training(
        _recipe(
            tiny_world,
            tmp_path,
            tiny_overrides,
            f"data.datasets=[{{json_path: {data}}}]",
            "run.max_steps=5",
            f"data.video_root=[{tiny_world},{tmp_path}]",
        )
    )
    assert summary["skipped_before_training"]["counts"] == {
        "video or image file not found": 1,
        "video or image path leaves the video roots": 1,
    }
    assert summary["skipped_during_training"]["total"] == 2
    assert {"v1", "v2"} <= set(summary["skipped_during_training"]["examples"])
    assert summary["steps"] == 5


class _PoisonAt:
    """Callback factory: once checkpoint `step` is saved, write NaN into one weight (a diverging run)."""

    def __new__(cls, step):
        from transformers import TrainerCallback

        class Poison(TrainerCallback):
            def on_save(self, args, state, control, model=None, **kwargs):
                if state.global_step == step:
                    with torch.no_grad():
                        next(p for p in model.parameters() if p.requires_grad).fill_(math.nan)

        return Poison()


def test_non_finite_loss_stops_and_keeps_last_good_checkpoint(tiny_world, tmp_path, tiny_overrides):
    recipe = _recipe(tiny_world, tmp_path, tiny_overrides, "run.max_steps=6", "run.save_steps=2")
    with pytest.raises(TrainingError, match="non-finite loss .* step 3.*checkpoint-2"):
        run_training(recipe, extra_callbacks=[_PoisonAt(2)])
    last = latest_checkpoint(tmp_path / "run")
    assert last.name == "checkpoint-2"
    assert all(torch.isfinite(v).all() for v in _weights(last).values())


def test_image_samples_take_the_image_path_and_mix_with_videos(tiny_world, tmp_path):
    """`<image>` samples go through LLaVA-OV's image path (anyres patches, `image_sizes`); a sample
    whose text asks for `<video>` shows its image as a still video; both train in one batch."""
    import shutil

    from PIL import Image

    from videoutr.models.load import load_video_model

    Image.new("RGB", (40, 40), (200, 30, 30)).save(tmp_path / "red.png")
    shutil.copy(
        tiny_world / "videos" / sorted(p.name for p in (tiny_world / "videos").iterdir())[0], tmp_path / "v.mp4"
    )
    image = Sample.from_llava(
        {
            "id": "img",
            "image": "red.png",
            "data_source": "stills",
            "conversations": [{"from": "human", "value": "<image>\nWhat colour?"}, {"from": "gpt", "value": "Red."}],
        }
    )
    still = Sample.from_llava(
        {
            "id": "still",
            "image": "red.png",
            "conversations": [{"from": "human", "value": "<video>\nWhat colour?"}, {"from": "gpt", "value": "Red."}],
        }
    )
    video = Sample.from_llava(
        {
            "id": "vid",
            "video": "v.mp4",
            "conversations": [{"from": "human", "value": "<video>\nWhat moves?"}, {"from": "gpt", "value": "A shape."}],
        }
    )
    assert image.source == "stills"  # LLaVA-Video-178K's data_source is the sample's source
    model, processor = load_video_model(tiny_world / "model", dtype="float32")
    ds = TrainDataset([image, still, video], processor, FramePolicy(num_frames=4), [tmp_path], max_length=4096)
    enc_image, enc_still, enc_video = ds[0], ds[1], ds[2]
    assert enc_image.media == "image" and {"pixel_values", "image_sizes"} <= set(enc_image.vision)
    assert "pixel_values_videos" not in enc_image.vision
    assert int((enc_image.input_ids == processor.tokenizer.image_token_id).sum()) > 0
    assert enc_still.media == "video" and enc_still.num_frames == 4
    assert processor.tokenizer.decode(enc_image.labels[enc_image.labels != -100]) == "Red.<|im_end|>"
    batch = Collator(processor.tokenizer.pad_token_id)([enc_image, enc_video])
    assert {"pixel_values", "pixel_values_videos"} <= set(batch)
    loss = model(**batch).loss
    assert torch.isfinite(loss)


def test_tensorboard_without_the_package_is_a_clear_error(tiny_world, tmp_path, tiny_overrides):
    import importlib.util

    if importlib.util.find_spec("tensorboard") or importlib.util.find_spec("tensorboardX"):
        pytest.skip("TensorBoard is installed here")
    with pytest.raises(ConfigError, match="pip install tensorboard"):
        run_training(_recipe(tiny_world, tmp_path, tiny_overrides, "run.tensorboard=true"))
