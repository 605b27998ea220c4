"""Per family (LLaVA-OneVision, Qwen2-VL, Qwen2.5-VL with their released templates and processors):
prompts equal the processor's own `apply_chat_template` + expansion, visual tokens per frame are
the documented counts, Qwen sees the fps policy's frames with the right time positions, TPL equals
an independent computation, attention runs, and one LoRA step trains the projector when asked."""

from __future__ import annotations

import json
import math

import av
import numpy as np
import pytest
import torch

from videoutr.data.llava import Sample, Turn
from videoutr.errors import ConfigError
from videoutr.models.inputs import collate, encode_sample, model_inputs
from videoutr.models.load import frame_policy, read_video_frames

FPS, SECONDS, H, W = 8, 4, 112, 168  # the test clip: 32 frames


def _load_builders():
    """tests/models/real_families.py (a helper module beside this file, loaded by path)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("real_families", Path(__file__).with_name("real_families.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builders = _load_builders()
build_family = builders.build_family


@pytest.fixture(scope="module", params=builders.FAMILIES)
def family(request):
    return (request.param, *build_family(request.param))


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Two smooth clips (a square moving right / left), 4 s at 8 fps, 112x168."""
    from videoutr.video import write_video

    root = tmp_path_factory.mktemp("family_clips")
    for i, step in enumerate((3, -3)):
        frames = np.full((FPS * SECONDS, H, W, 3), 90, np.uint8)
        for t in range(len(frames)):
            x = 70 + step * t
            frames[t, 40:70, x : x + 24] = (220, 40, 40)
        write_video(root / f"c{i}.mp4", frames, fps=FPS)
    return root


def _policy(name, processor):
    return frame_policy("no-sidecar", processor, 4 if name == "llava_onevision" else None)


def _reference_indices(name: str, total: int, fps: float) -> list[int]:
    """LLaVA-NeXT: linspace over 4 frames; qwen-vl-utils `smart_nframes` at 2 fps (factor 2, min 4)."""
    count = 4 if name == "llava_onevision" else max(4, int(min(total / fps * 2, total) // 2 * 2))
    return np.linspace(0, total - 1, count).round().astype(int).tolist()


def _decode(path, indices: list[int]) -> tuple[np.ndarray, int, float]:
    """PyAV/libswscale RGB of `indices`, as transformers' read_video_pyav decodes."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    return np.stack([frames[i] for i in indices]), len(frames), fps


def _messages(sample: Sample) -> list[dict]:
    out = []
    for k, turn in enumerate(sample.conversations):
        if turn.role == "human":
            text = turn.value.replace("<video>\n", "")
            video = [{"type": "video"}] if k == 0 else []
            out.append({"role": "user", "content": video + [{"type": "text", "text": text}]})
        else:
            out.append({"role": "assistant", "content": [{"type": "text", "text": turn.value}]})
    return out


def _reference_inputs(name, processor, sample, frames, indices, total, fps):
    """processor(apply_chat_template(...), videos=...) as the family's reference pipeline calls it."""
    text = processor.apply_chat_template(_messages(sample), tokenize=False)
    kwargs = {}
    if name != "llava_onevision":  # qwen-vl-utils: per-frame cap from the video budget, sampled fps
        max_pixels = max(min(768 * 28 * 28, 128000 * 28 * 28 * 0.9 / len(indices) * 2), int(128 * 28 * 28 * 1.05))
        kwargs["videos_kwargs"] = {
            "size": {"shortest_edge": 128 * 28 * 28, "longest_edge": int(max_pixels)},
            "video_metadata": [{"total_num_frames": total, "fps": fps, "frames_indices": indices}],
            "do_sample_frames": False,
            "cap_pixels_per_frame": False,
        }
    return processor(text=[text], videos=[frames], return_tensors="pt", **kwargs)


def _dialogue(i: int) -> Sample:
    return Sample(
        id=f"d{i}",
        video=f"c{i // 2}.mp4",
        conversations=[
            Turn("human", "<video>\nWhat moves?"),
            Turn("gpt", "A red square moves right." if i % 2 == 0 else "A square."),
            *([Turn("human", "Where is it at the end?"), Turn("gpt", "right")] if i % 2 else []),
        ],
    )


def test_prompt_equals_the_processor_chat_template(family, clips):
    name, _, processor = family
    sample = _dialogue(1)
    video = read_video_frames(clips / "c0.mp4", _policy(name, processor))
    enc = encode_sample(processor, sample, video)
    frames, total, fps = _decode(clips / "c0.mp4", _reference_indices(name, FPS * SECONDS, FPS))
    assert video.frame_idx == _reference_indices(name, total, fps) and np.array_equal(video.frames, frames)
    ref = _reference_inputs(name, processor, sample, frames, video.frame_idx, total, fps)
    assert enc.input_ids.tolist() == ref["input_ids"][0].tolist()
    for key, value in enc.vision.items():
        assert torch.allclose(torch.as_tensor(value).float(), torch.as_tensor(ref[key]).float()), key
    if "mm_token_type_ids" in ref:
        assert torch.equal(enc.token_extras["mm_token_type_ids"], ref["mm_token_type_ids"][0])
    answers = processor.tokenizer.decode(enc.labels[enc.labels != -100])
    assert answers == "A square.<|im_end|>right<|im_end|>"  # answers and their end of turn, nothing else


def test_visual_tokens_per_frame_and_qwen_time(family, clips):
    name, _, processor = family
    video = read_video_frames(clips / "c0.mp4", _policy(name, processor))
    enc = encode_sample(processor, _dialogue(0), video)
    n_video = int((enc.input_ids == processor.tokenizer.convert_tokens_to_ids(processor.video_token)).sum())
    if name == "llava_onevision":  # 384 px / patch 14 = 27x27 patches, pooled to 14x14; one newline per video
        assert n_video == 4 * 196 + 1
        return
    # 2 fps of a 4 s clip: 8 frames; 112x168 upscaled to >= 128*28*28 pixels: 280x392 -> 10x14 merged
    assert video.frame_idx == [0, 4, 9, 13, 18, 22, 27, 31] and video.sampled_fps == pytest.approx(2.0)
    assert enc.vision["video_grid_thw"].tolist() == [[4, 20, 28]] and n_video == 4 * 10 * 14
    if name == "qwen2_5_vl":  # temporal patch 2 / 2 fps: one second per grid step (24-fps default: 0.083)
        assert enc.vision["second_per_grid_ts"].tolist() == pytest.approx([1.0])


def test_qwen_pixel_budget_of_720p_matches_qwen_vl_utils():
    from transformers.models.qwen2_vl.video_processing_qwen2_vl import smart_resize

    from videoutr.models.sampling import FramePolicy, frame_indices, qwen_max_pixels

    policy = FramePolicy(family="qwen2_vl")
    assert len(frame_indices(240, 30.0, policy)) == 16  # 8 s at 30 fps -> 2 fps
    assert len(frame_indices(30 * 3600, 30.0, policy)) == 768  # an hour: max_frames
    assert len(frame_indices(5, 30.0, policy)) == 4  # min_frames, even
    height, width = smart_resize(720, 1280, factor=28, min_pixels=128 * 28 * 28, max_pixels=qwen_max_pixels(16, policy))
    assert (height, width) == (560, 1008)  # 768*28*28 per frame: 180 tokens per 2 frames, 1,440 for 16
    many = qwen_max_pixels(768, policy)  # the video budget shares out: 128000*28*28*0.9 / 768 * 2
    assert many == int(128000 * 28 * 28 * 0.9 / 768 * 2)


def _nll(model, inputs, labels) -> float:
    with torch.no_grad():
        logits = model(**inputs).logits[0, :-1].float()
    target = labels[1:]
    keep = target != -100
    return float(torch.nn.functional.cross_entropy(logits[keep], target[keep], reduction="mean"))


def _answer_labels(processor, ids: torch.Tensor, sample: Sample) -> torch.Tensor:
    """Labels on each answer + <|im_end|>, found as token runs from the end of the prompt."""
    labels, at = torch.full_like(ids, -100), 0
    for answer in sample.assistant_turns:
        run = processor.tokenizer(answer + "<|im_end|>", add_special_tokens=False)["input_ids"]
        starts = [i for i in range(at, len(ids) - len(run) + 1) if ids[i : i + len(run)].tolist() == run]
        labels[starts[0] : starts[0] + len(run)] = ids[starts[0] : starts[0] + len(run)]
        at = starts[0] + len(run)
    return labels


def test_tpl_equals_an_independent_reference(family, clips, tmp_path):
    """Two dialogues per video (the second multi-turn), scored in one batch with shared prefixes."""
    from videoutr.tpl.run import TplRunConfig, run_tpl

    name, model, processor = family
    samples = [_dialogue(i) for i in range(4)]
    (tmp_path / "data.json").write_text(json.dumps([s.to_llava() for s in samples]))
    cfg = TplRunConfig(
        model="no-sidecar",
        data=str(tmp_path / "data.json"),
        video_root=str(clips),
        out=str(tmp_path / "s.jsonl"),
        frames=4 if name == "llava_onevision" else None,
    )
    run_tpl(cfg, model=model, processor=processor, progress=False)
    records = {r["id"]: r for r in map(json.loads, (tmp_path / "s.jsonl").read_text().splitlines())}
    for sample in samples:
        indices = _reference_indices(name, FPS * SECONDS, FPS)
        frames, total, fps = _decode(clips / sample.video, indices)
        full = _reference_inputs(name, processor, sample, frames, indices, total, fps)
        single = _reference_inputs(name, processor, sample, frames[:1], indices[:1], total, fps)
        ppl_full = math.exp(_nll(model, full, _answer_labels(processor, full["input_ids"][0], sample)))
        ppl_single = math.exp(_nll(model, single, _answer_labels(processor, single["input_ids"][0], sample)))
        record = records[sample.id]
        assert record["ppl_full"] == pytest.approx(ppl_full, rel=1e-4), sample.id
        assert record["ppl_single"] == pytest.approx(ppl_single, rel=1e-4), sample.id
        assert record["frame_idx"] == indices and len(record["timestamps_s"]) == len(indices)


def test_attention_runs(family, clips):
    from videoutr.tpl.attention import frame_activation

    name, model, processor = family
    video = read_video_frames(clips / "c0.mp4", _policy(name, processor))
    result = frame_activation(model, processor, video, "What moves?", answer="A red square.")
    rows = len(video) if name == "llava_onevision" else len(video) // 2  # Qwen: one row per temporal patch
    assert result.matrix.shape[0] == rows and np.allclose(result.matrix.sum(0), 1.0, atol=1e-4)


def test_one_lora_step_trains_the_projector(family, clips):
    from videoutr.train.config import LoraConfig
    from videoutr.train.parts import apply_lora, part_of

    name, _, processor = family
    model, _ = build_family(name, seed=1)
    model.train()
    peft_model = apply_lora(model, LoraConfig(enabled=True, r=4, alpha=8, dropout=0.0), ["mm_mlp_adapter"])
    trained = {n for n, p in peft_model.named_parameters() if p.requires_grad}
    assert any(
        "modules_to_save" in n and part_of(n.replace("modules_to_save.default.", "")) == "mm_mlp_adapter"
        for n in trained
    )
    assert not any(part_of(n) == "mm_vision_tower" for n in trained)  # the tower stays frozen
    before = {n: p.detach().clone() for n, p in peft_model.named_parameters()}
    video = read_video_frames(clips / "c0.mp4", _policy(name, processor))
    batch = model_inputs(
        collate([encode_sample(processor, _dialogue(0), video)], processor.tokenizer.pad_token_id), with_labels=True
    )
    optimizer = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=1e-2)
    peft_model(**batch).loss.backward()
    optimizer.step()
    changed = {n for n, p in peft_model.named_parameters() if not torch.equal(p, before[n])}
    assert any("modules_to_save" in n for n in changed) and any("lora_" in n for n in changed)
    assert all(n in trained for n in changed)


def test_an_unmatched_part_is_an_error():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from videoutr.train.parts import resolve_parts, set_trainable

    lm = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=64,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
        )
    )
    assert resolve_parts(lm, ["mm_language_model"])["mm_language_model"] > 0
    with pytest.raises(ConfigError, match="mm_mlp_adapter matches no module"):
        set_trainable(lm, ["mm_language_model", "mm_mlp_adapter"])
    with pytest.raises(ConfigError, match="unknown part"):
        resolve_parts(lm, ["projector"])


def test_shared_prefix_scores_equal_row_by_row(family, clips):
    """Options of different lengths, another question and a multi-turn dialogue on one video, a row
    on another video (sharing nothing), and text-only options: the shared-prefix path (M-RoPE
    positions for Qwen) scores as row by row, right- or left-padded."""
    from videoutr.models.likelihood import assistant_nll

    name, model, processor = family
    pad = processor.tokenizer.pad_token_id
    videos = [read_video_frames(clips / f"c{i}.mp4", _policy(name, processor)) for i in (0, 1)]
    options = ["left", "to the right", "up", "it does not move at all"]
    dialogues = [Sample.from_qa(f"o{i}", [("Where does the square move?", o)]) for i, o in enumerate(options)]
    dialogues += [_dialogue(1), Sample.from_qa("other", [("What colour is it?", "red")])]
    encs = [encode_sample(processor, d, videos[d.id == "other"]) for d in dialogues]
    text_only = [encode_sample(processor, d, None) for d in dialogues[:4]]
    for batch in (collate(encs, pad), collate(encs, pad, padding_side="left"), collate(text_only, pad)):
        shared, plain = assistant_nll(model, batch), assistant_nll(model, batch, share_prefix=False)
        assert shared.n_tokens == plain.n_tokens and shared.turn_tokens == plain.turn_tokens
        assert shared.nll_sum == pytest.approx(plain.nll_sum, rel=1e-5)
        for got, want in zip(shared.turn_nll, plain.turn_nll):
            assert got == pytest.approx(want, rel=1e-5)
