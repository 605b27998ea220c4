"""The `hf:` detector adapters on tiny random-init models built here (nothing is downloaded)."""

import numpy as np
import pytest
import supervision as sv

from videoutr.engine import EngineConfig, run_engine
from videoutr.engine.detect import make_detector
from videoutr.errors import ConfigError

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny_detr(tmp_path_factory):
    from transformers import DetrConfig, DetrForObjectDetection, DetrImageProcessor, ResNetConfig

    torch.manual_seed(0)
    cfg = DetrConfig(
        use_timm_backbone=False,
        use_pretrained_backbone=False,
        backbone_config=ResNetConfig(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], out_features=["stage2"]),
        num_queries=5,
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        num_labels=2,
        id2label={0: "cat", 1: "dog"},
        label2id={"cat": 0, "dog": 1},
    )
    path = tmp_path_factory.mktemp("tiny_detr")
    DetrForObjectDetection(cfg).save_pretrained(path)
    DetrImageProcessor(size={"shortest_edge": 64, "longest_edge": 64}).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_owlv2(tmp_path_factory):
    from transformers import CLIPTokenizer, Owlv2Config, Owlv2ForObjectDetection, Owlv2ImageProcessor, Owlv2Processor

    vocab = {"!": 0, "<|startoftext|>": 1, "<|endoftext|>": 2}
    for c in "abcdefghijklmnopqrstuvwxyz":
        vocab[c] = len(vocab)
        vocab[c + "</w>"] = len(vocab)
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[])
    small = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2)
    cfg = Owlv2Config(
        text_config=dict(
            vocab_size=len(vocab), max_position_embeddings=16, bos_token_id=1, eos_token_id=2, pad_token_id=2, **small
        ),
        vision_config=dict(image_size=64, patch_size=16, **small),
        projection_dim=16,
    )
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny_owlv2")
    Owlv2ForObjectDetection(cfg).save_pretrained(path)
    Owlv2Processor(
        image_processor=Owlv2ImageProcessor(size={"height": 64, "width": 64}), tokenizer=tokenizer
    ).save_pretrained(path)
    return path


def _frames(n=3):
    return np.random.default_rng(0).integers(0, 255, (n, 48, 80, 3), dtype=np.uint8)


def test_closed_set_detr_names_its_classes(tiny_detr):
    detector = make_detector(f"hf:{tiny_detr}", threshold=0.0, batch_size=2)
    per_frame = detector.detect_clip(_frames(3))
    assert len(per_frame) == 3
    for dets in per_frame:
        assert isinstance(dets, sv.Detections) and len(dets) == 5  # every query passes threshold 0
        assert set(dets.data["class_name"]) <= {"cat", "dog"}
        assert (dets.xyxy[:, [0, 2]] <= 80 + 1e-3).all() and (dets.xyxy[:, [1, 3]] <= 48 + 1e-3).all()
        assert ((dets.confidence >= 0) & (dets.confidence <= 1)).all()
    assert make_detector(f"hf:{tiny_detr}", threshold=1.01).detect_frame(_frames(1)[0]).is_empty()


def test_zero_shot_owlv2_uses_prompts(tiny_owlv2):
    with pytest.raises(ConfigError, match="prompts"):
        make_detector(f"hf:{tiny_owlv2}")
    detector = make_detector(f"hf:{tiny_owlv2}", prompts="a cat, a dog", threshold=0.0)
    dets = detector.detect_clip(_frames(2))[1]
    assert len(dets) > 0 and set(dets.data["class_name"]) <= {"a cat", "a dog"}
    assert set(dets.class_id) <= {0, 1}


def test_missing_model_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot load"):
        make_detector(f"hf:{tmp_path / 'nowhere'}")


def test_engine_runs_with_an_hf_detector(tiny_detr, make_scenes, tmp_path):
    videos = make_scenes(1, frames=8) / "videos"
    cfg = EngineConfig.from_dict({"detector": f"hf:{tiny_detr}", "detector_args": {"threshold": 0.3}})
    stats = run_engine(videos, tmp_path / "out", cfg, progress=False)
    assert stats["ok"] == 1 and stats["errors"] == 0


def test_model_card_settings_apply_unless_given(tiny_detr, tiny_owlv2):
    detr = make_detector(f"hf:{tiny_detr}")
    assert (detr.threshold, detr.nms_iou) == (0.9, None)  # facebook/detr-resnet-50's card
    owl = make_detector(f"hf:{tiny_owlv2}", prompts="a cat")
    assert (owl.threshold, owl.nms_iou) == (0.1, 0.3)
    assert make_detector(f"hf:{tiny_owlv2}", prompts="a cat", threshold=0.2, nms_iou=0.5).nms_iou == 0.5


def test_owl_boxes_of_one_class_are_suppressed_above_the_nms_iou(tiny_owlv2):
    from videoutr.engine.geometry import box_iou

    owl = make_detector(f"hf:{tiny_owlv2}", prompts="a cat, a dog", threshold=0.0)
    result = {
        "boxes": torch.tensor([[0.0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [30, 30, 40, 40]]),
        "scores": torch.tensor([0.5, 0.9, 0.4, 0.3]),
        "labels": torch.tensor([0, 0, 1, 0]),
        "text_labels": ["a cat", "a cat", "a dog", "a cat"],
    }
    kept = owl._to_detections(result)  # the weaker of two overlapping cats goes; the dog and the far cat stay
    assert kept.confidence.tolist() == pytest.approx([0.9, 0.4, 0.3])
    assert list(kept.data["class_name"]) == ["a cat", "a dog", "a cat"]
    dets = owl.detect_frame(_frames(1)[0])
    for i in range(len(dets)):
        for j in range(i + 1, len(dets)):
            assert dets.class_id[i] != dets.class_id[j] or box_iou(dets.xyxy[i], dets.xyxy[j]) <= 0.3 + 1e-6


def test_detect_videos_pools_frames_of_many_videos_into_each_forward(tiny_detr):
    detector = make_detector(f"hf:{tiny_detr}", threshold=0.0, batch_size=4)
    clips = [_frames(3), _frames(2)[:, :40], _frames(1)]
    calls = []
    forward = detector._detect_batch
    detector._detect_batch = lambda images: calls.append(len(images)) or forward(images)
    pooled = detector.detect_videos(clips)
    assert calls == [4, 2]  # 6 frames of 3 videos in 2 forwards, not 3
    assert [len(p) for p in pooled] == [3, 2, 1]
    for clip, found in zip(clips, pooled):
        alone = detector.detect_clip(clip)
        for a, b in zip(alone, found):
            np.testing.assert_allclose(a.xyxy, b.xyxy, atol=1e-3)
            assert list(a.data["class_name"]) == list(b.data["class_name"])


@pytest.mark.slow
@pytest.mark.ray
def test_ray_runs_the_hf_detector_in_actors_with_the_local_output(tiny_detr, make_scenes, ray_cluster, tmp_path):
    from videoutr.engine.run import engine_steps

    videos = make_scenes(3, frames=8) / "videos"
    (videos / "broken.mp4").write_text("not a video")
    cfg = EngineConfig.from_dict({"detector": f"hf:{tiny_detr}", "detector_args": {"threshold": 0.3, "batch_size": 5}})
    assert [step.stateful for step in engine_steps(cfg, "ray")] == [False, True, False]  # decode, model, the rest
    local = run_engine(videos, tmp_path / "local", cfg, executor="local", progress=False)
    ray_stats = run_engine(
        videos, tmp_path / "ray", cfg, executor="ray", workers=2, ray_address=ray_cluster, progress=False
    )
    assert local["ok"] == ray_stats["ok"] == 3 and ray_stats["errors"] == 1 and local["detections"] > 0
    for name in ("utr.json", "trajectories.jsonl", "errors.jsonl", "records.jsonl", "stats.json"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
