"""Temporal Perplexity (TPL): how much a text needs the whole video rather than one frame.

For a sample (video V of T frames, dialogue with assistant answers X), under a frozen model:

    PPL(X | V) = exp( -(1/N) * sum_n log p(x_n | V, x_<n) )     over the N answer tokens only
    TPL        = PPL(X | key frame alone) - PPL(X | all T frames)        mode "diff" (default)
    TPL        = PPL(X | key frame alone) / PPL(X | all T frames)        mode "ratio"

Sign: a text that only the sequence of frames explains (motion, order, what appears later) is
harder to predict from one frame, so its single-frame PPL is higher and its TPL is positive and
large; a text about what any single frame shows has TPL near 0 (diff) or 1 (ratio). Higher TPL =
less temporal hacking possible (Video-UTR, Finding 1). The key frame is the first by default: the
paper's per-subset chart is labelled "TPL (frame1-frame32)" (docs/tpl.md).

The key frame is shown as the paper shows it, a one-frame video (`key_view="frame"`), or as a still
video of the key frame repeated T times (`key_view="still"`): the same number of video tokens at
the same positions, for models that never saw a one-frame video, whose one-frame perplexity would
measure that surprise rather than the text's need for time.

Efficient by design: all assistant turns of a dialogue are scored in one forward; samples are
batched; for LLaVA-OneVision the vision tower runs once per video, because each frame is encoded
and pooled independently -- the one-frame video is the key frame's pooled tokens plus the video's
newline token, taken from the full pass -- and the language model runs each video's system
prompt, header and video once (causally, unpadded): every dialogue continues from it, and every
key-frame dialogue shares its beginning up to the first video token that differs (the header,
and the key frame's tokens too when it is the first frame), with the continuations packed one
row per video (`videoutr.models.branched`). Other models encode the one-frame video separately.

    scorer = TplScorer(model, processor, key_frame="first", mode="diff")
    records = scorer.score([(sample, frames)])      # frames: (T, H, W, 3) uint8
    records[0]["tpl"], records[0]["ppl_full"], records[0]["ppl_single"], records[0]["turns"]
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import torch

from videoutr.data.llava import Sample
from videoutr.errors import ConfigError
from videoutr.models.branched import Sequence, branched_nll, embed_tokens
from videoutr.models.inputs import EncodedSample, collate, encode_sample, encode_video
from videoutr.models.likelihood import assistant_nll
from videoutr.models.nll import NllResult
from videoutr.models.sampling import ModelVideo
from videoutr.video.keyframe import key_frame_index

MODES = ("diff", "ratio")


def perplexity(nll_sum: float, n_tokens: int) -> float:
    """exp(mean NLL); nan for zero tokens."""
    return math.exp(nll_sum / n_tokens) if n_tokens else float("nan")


KEY_VIEWS = ("frame", "still")


def tpl_value(ppl_single: float, ppl_full: float, mode: str = "diff") -> float:
    """TPL from the two perplexities: single - full ("diff") or single / full ("ratio")."""
    if mode == "diff":
        return ppl_single - ppl_full
    if mode == "ratio":
        return ppl_single / ppl_full
    raise ConfigError(f"unknown TPL mode {mode!r}; use one of {', '.join(MODES)}")


def _record(sample: Sample, full: NllResult, single: NllResult, row: int, mode: str, extra: dict) -> dict:
    n = full.n_tokens[row]
    ppl_full, ppl_single = perplexity(full.nll_sum[row], n), perplexity(single.nll_sum[row], n)
    turns = []
    for nll_f, nll_s, count in zip(full.turn_nll[row], single.turn_nll[row], full.turn_tokens[row]):
        pf, ps = perplexity(nll_f, count), perplexity(nll_s, count)
        turns.append({"n_tokens": count, "ppl_full": pf, "ppl_single": ps, "tpl": tpl_value(ps, pf, mode)})
    source = sample.source or "unknown"
    return {
        "id": sample.id,
        "source": source,
        "subset": str(sample.extra.get("subset", source)),
        "n_tokens": n,
        "ppl_full": ppl_full,
        "ppl_single": ppl_single,
        "tpl": tpl_value(ppl_single, ppl_full, mode),
        **extra,
        "turns": turns,
    }


def _key_frames(frames: np.ndarray | ModelVideo, k: int, view: str) -> np.ndarray | ModelVideo:
    """Frame `k` alone, as a one-frame video (`view="frame"`), or repeated T times (`"still"`)."""
    indices = [k] * (len(frames) if view == "still" else 1)
    return frames.select(indices) if isinstance(frames, ModelVideo) else np.asarray(frames)[indices]


def _keep_video_tokens(enc: EncodedSample, n_keep: int) -> EncodedSample:
    """The same dialogue with only the first `n_keep` of its video tokens (a shorter video)."""
    start, end = enc.video_span

    def cut(t: torch.Tensor) -> torch.Tensor:
        return torch.cat([t[: start + n_keep], t[end:]])

    spans = [(a - (end - start - n_keep), b - (end - start - n_keep)) for a, b in enc.turn_spans]
    return EncodedSample(
        id=enc.id,
        input_ids=cut(enc.input_ids),
        labels=cut(enc.labels),
        turn_ids=cut(enc.turn_ids),
        turn_spans=spans,
        video_span=(start, start + n_keep),
        num_frames=1,
        token_extras={k: cut(v) for k, v in enc.token_extras.items()},
    )


class TplScorer:
    """Scores batches of (sample, frames[, video_key]) with one frozen model; see the module docstring.

    `frames` is a (T, H, W, 3) uint8 array or a `ModelVideo` (frames with their source metadata,
    which the processor needs for Qwen's time positions). `system` replaces the chat template's
    system prompt.

    Items that share a `video_key` (e.g. the video path and frame indices) share one video
    encoding and one vision-tower pass, within a call and across calls (an LRU of `cache_videos`
    videos). Without a key, items that pass the same frames array share within the call.
    """

    def __init__(
        self,
        model,
        processor,
        key_frame: str = "first",
        mode: str = "diff",
        seed: int = 0,
        cache_videos: int = 8,
        key_view: str = "frame",
        system: str | None = None,
    ):
        key_frame_index(1, key_frame)
        tpl_value(1.0, 1.0, mode)
        if key_view not in KEY_VIEWS:
            raise ConfigError(f"unknown key view {key_view!r}; use one of {', '.join(KEY_VIEWS)}")
        self.model, self.processor = model, processor
        self.key_frame, self.mode, self.seed = key_frame, mode, seed
        self.key_view, self.system = key_view, system
        self.pad_id = processor.tokenizer.pad_token_id
        if self.pad_id is None:
            self.pad_id = processor.tokenizer.eos_token_id
        self.reuse_vision = getattr(model.config, "model_type", "") == "llava_onevision"
        self.cache_videos = cache_videos
        self._cache: OrderedDict = OrderedDict()  # video_key -> [video encoding, features or None]
        self.vision_frames = 0  # frames sent through the vision tower (for benchmarks and tests)

    @torch.no_grad()
    def score(self, items: list[tuple]) -> list[dict]:
        """One record per item; all items of a call must have the same number of frames."""
        if not items:
            return []
        items = [(it[0], it[1], it[2] if len(it) > 2 else ("frames", id(it[1]))) for it in items]
        keys = [key_frame_index(len(f), self.key_frame, s.id, self.seed) for s, f, _ in items]
        videos = [self._video(vk, f) for _, f, vk in items]
        encoded = [
            encode_sample(self.processor, s, f, video=v[0], system=self.system) for (s, f, _), v in zip(items, videos)
        ]
        if self.reuse_vision:
            full, single = self._score_reusing_vision(encoded, keys, videos)
        else:
            full = assistant_nll(self.model, collate(encoded, self.pad_id))
            singles = [
                encode_sample(self.processor, s, _key_frames(f, k, self.key_view), system=self.system)
                for (s, f, _), k in zip(items, keys)
            ]
            single = assistant_nll(self.model, collate(singles, self.pad_id))
        for _, _, video_key in items:
            if video_key[0] == "frames":  # identity keys are only valid within this call
                self._cache.pop(video_key, None)
        while len(self._cache) > self.cache_videos:  # least recently used first
            self._cache.popitem(last=False)
        return [
            _record(s, full, single, row, self.mode, {"num_frames": len(f), "key_frame": k})
            for row, ((s, f, _), k) in enumerate(zip(items, keys))
        ]

    def _video(self, video_key, frames: np.ndarray | ModelVideo) -> list:
        """The cache entry [encode_video(...), pooled features or None] of one video."""
        if video_key in self._cache:
            self._cache.move_to_end(video_key)
        else:
            self._cache[video_key] = [encode_video(self.processor, frames), None]
        return self._cache[video_key]

    def _features(self, videos: list[list]) -> torch.Tensor:
        """Pooled video features (B, T*n+1, D), running the vision tower once per distinct video."""
        model = self.model
        device, dtype = next(model.parameters()).device, model.dtype
        todo = list({id(v): v for v in videos if v[1] is None}.values())
        if todo:
            pixels = torch.cat([v[0][1]["pixel_values_videos"] for v in todo]).to(device, dtype)
            feats = model.model.get_video_features(pixel_values_videos=pixels).pooler_output
            self.vision_frames += pixels.shape[0] * pixels.shape[1]
            for v, f in zip(todo, feats):
                v[1] = f
        return torch.stack([v[1] for v in videos])

    def _score_reusing_vision(self, encoded: list[EncodedSample], keys: list[int], videos: list[list]):
        device = next(self.model.parameters()).device
        feats = self._features(videos)  # (B, T*n+1, D)
        n_frames = encoded[0].num_frames
        per_frame = feats[:, :-1].reshape(feats.shape[0], n_frames, -1, feats.shape[-1])
        rows = torch.arange(feats.shape[0], device=device)
        key_feats = per_frame[rows, torch.tensor(keys, device=device)]  # (B, n, D)
        if self.key_view == "still":
            key_feats = key_feats.repeat(1, n_frames, 1)
        single_feats = torch.cat([key_feats, feats[:, -1:]], dim=1)
        singles = [_keep_video_tokens(e, single_feats.shape[1]) for e in encoded]
        return self._nll(encoded, singles, feats, single_feats, [id(v) for v in videos])

    def _nll(
        self,
        fulls: list[EncodedSample],
        singles: list[EncodedSample],
        feats: torch.Tensor,
        single_feats: torch.Tensor,
        video_ids: list[int],
    ) -> tuple[NllResult, NllResult]:
        """NLL of the answers under both conditions, in one trunk pass and one branch pass.

        A trunk is a dialogue's system prompt, user header (with any text before the video) and
        whole video, run once per video; each dialogue's own text continues it, and each key-frame
        dialogue shares its beginning up to where its video tokens differ (`videoutr.models.branched`).
        """
        trunk_of, trunks, sequences = {}, [], []
        for row, (enc, video_id) in enumerate(zip(fulls, video_ids)):
            end = enc.video_span[1]
            key = (video_id, tuple(enc.input_ids[:end].tolist()))
            embeds = embed_tokens(self.model, enc.input_ids, feats[row])
            if key not in trunk_of:
                trunk_of[key] = len(trunks)
                trunks.append(embeds[:end])
            sequences.append(Sequence(trunk_of[key], embeds, enc.labels, enc.turn_ids))
        for row, enc in enumerate(singles):
            embeds = embed_tokens(self.model, enc.input_ids, single_feats[row])
            sequences.append(Sequence(sequences[row].trunk, embeds, enc.labels, enc.turn_ids))
        both = branched_nll(self.model, trunks, sequences)
        n = len(fulls)
        full, single = (
            NllResult(both.nll_sum[part], both.n_tokens[part], both.turn_nll[part], both.turn_tokens[part])
            for part in (slice(0, n), slice(n, None))
        )
        return full, single
