"""Frame activation: how much each output token attends to each frame (Video-UTR Findings 2-3).

For every output token x_j (given, or generated greedily first), take the attention of the
position that predicts it, in each chosen layer of the language model, averaged over heads; sum it
over each frame's span of visual tokens (the video's closing newline token belongs to no frame),
average over the chosen layers, and normalise across frames. That gives a frames x tokens matrix
of shares (each column sums to 1), drawn as the paper's heat map.

Frame activation number: the frames that, for at least one output token, receive at least
`threshold` of the video attention; the default threshold is the uniform share 1/T (a frame is
"active" when some token looks at it at least as much as at an average frame). `effective_frames`
= exp(entropy) of the mean share is a threshold-free companion (T for uniform attention, 1 when
everything goes to one frame).

Memory-bounded: attention weights are captured by a forward hook on each attention module and
reduced at once to (tokens x frames), so only one layer's (heads x L x L) weights exist at a time
(`max_alive_layers` reports it); nothing asks the model to return all layers' attentions.

    result = frame_activation(model, processor, frames, "What happened?", answer="A red circle moves.")
    result.matrix.shape, result.activation_number
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
import torch

from videoutr.data.llava import VIDEO_TOKEN, Sample
from videoutr.errors import ConfigError, VideoutrError
from videoutr.models.inputs import EncodedSample, collate, encode_sample, model_inputs, to_model
from videoutr.models.sampling import ModelVideo


@dataclass
class FrameActivation:
    """Result of `frame_activation`; `matrix` is (frames x output tokens) of shares."""

    matrix: np.ndarray
    tokens: list[str]
    layers: list[int]
    threshold: float
    video_mass: list[float]  # per token: fraction of all its attention that goes to video tokens
    answer: str
    max_alive_layers: int = 0  # most layers' full attention weights alive at once (1 = bounded)
    frames_per_row: int = 1  # 2 for Qwen2-VL, whose video tokens cover pairs of frames

    def row_label(self, row: int) -> str:
        if self.frames_per_row == 1:
            return f"<frame{row + 1}>"
        return f"<frame{row * self.frames_per_row + 1}-{(row + 1) * self.frames_per_row}>"

    @property
    def max_share(self) -> np.ndarray:
        return self.matrix.max(axis=1)

    @property
    def active_frames(self) -> list[int]:
        return [f for f, share in enumerate(self.max_share) if share >= self.threshold - 1e-9]

    @property
    def activation_number(self) -> int:
        return len(self.active_frames)

    @property
    def effective_frames(self) -> float:
        mean = self.matrix.mean(axis=1)
        mean = mean[mean > 0] / mean.sum()
        return float(math.exp(-(mean * np.log(mean)).sum()))

    def to_json(self) -> dict:
        return {
            "num_frames": int(self.matrix.shape[0]) * self.frames_per_row,
            "rows": [self.row_label(r) for r in range(self.matrix.shape[0])],
            "frames_per_row": self.frames_per_row,
            "tokens": self.tokens,
            "layers": self.layers,
            "answer": self.answer,
            "matrix_frames_by_tokens": self.matrix.round(6).tolist(),
            "video_mass": [round(v, 6) for v in self.video_mass],
            "threshold": self.threshold,
            "active_frames": self.active_frames,
            "activation_number": self.activation_number,
            "effective_frames": round(self.effective_frames, 4),
            "mean_share": self.matrix.mean(axis=1).round(6).tolist(),
        }


def check_layer_spec(spec: str) -> list[int] | None:
    """The layer numbers of a comma list, None for "all" / "last:K"; `ConfigError` when malformed."""
    if spec == "all":
        return None
    try:
        if spec.startswith("last:"):
            if int(spec.split(":", 1)[1]) < 1:
                raise ValueError
            return None
        numbers = [int(x) for x in spec.split(",") if x.strip()]
    except ValueError:
        raise ConfigError(f"--layers {spec!r}: use all, last:K (K >= 1) or a comma list of layer numbers") from None
    if not numbers:
        raise ConfigError(f"--layers {spec!r}: use all, last:K (K >= 1) or a comma list of layer numbers")
    return numbers


def parse_layers(spec: str, n_layers: int) -> list[int]:
    """ "all", "last:K" or a comma list like "0,2,-1" -> sorted layer indices."""
    numbers = check_layer_spec(spec)
    if spec == "all":
        return list(range(n_layers))
    if numbers is None:
        k = int(spec.split(":", 1)[1])
        return list(range(max(0, n_layers - k), n_layers))
    if any(x >= n_layers or x < -n_layers for x in numbers):
        raise ConfigError(f"--layers {spec!r}: the model has {n_layers} layers")
    return sorted({x % n_layers for x in numbers})


def frame_spans(enc: EncodedSample, video_token_id: int) -> tuple[list[tuple[int, int]], int]:
    """([start, end) of each row's visual tokens, frames per row).

    LLaVA-OneVision: one row per frame (equal runs; the closing newline token is left out).
    Qwen2-VL: one row per temporal patch (`video_grid_thw[0]` groups of 2 frames each).
    """
    positions = (enc.input_ids == video_token_id).nonzero().flatten().tolist()
    n, frames = len(positions), enc.num_frames
    if frames < 1 or n < frames and "video_grid_thw" not in enc.vision:
        raise VideoutrError(f"sample {enc.id}: cannot map {n} video tokens to {frames} frames")
    if "video_grid_thw" in enc.vision:
        rows = int(enc.vision["video_grid_thw"][0, 0])
        per_row, frames_per_row = n // rows, -(-frames // rows)
    else:
        rows, frames_per_row = frames, 1
        per_row = (n - 1) // frames if (n - 1) % frames == 0 else n // frames
    start = positions[0]
    return [(start + r * per_row, start + (r + 1) * per_row) for r in range(rows)], frames_per_row


class _Capture:
    """Forward hooks reducing each layer's attention to (tokens x frames) mass as it is computed."""

    def __init__(self, queries: torch.Tensor, spans: list[tuple[int, int]], video: tuple[int, int]):
        self.queries, self.spans, self.video = queries, spans, video
        self.per_layer: dict[int, torch.Tensor] = {}
        self.video_mass: dict[int, torch.Tensor] = {}
        self._alive: list[weakref.ref] = []
        self.max_alive_layers = 0

    def hook(self, layer: int):
        def fn(module, args, output):
            weights = output[1]
            if weights is None:
                raise VideoutrError("attention weights unavailable: the model must run eager attention")
            self._alive = [r for r in self._alive if r() is not None] + [weakref.ref(weights)]
            self.max_alive_layers = max(self.max_alive_layers, len(self._alive))
            rows = weights[0, :, self.queries].float().mean(dim=0)  # (tokens, L), head mean
            self.per_layer[layer] = torch.stack([rows[:, a:b].sum(-1) for a, b in self.spans], dim=1)
            self.video_mass[layer] = rows[:, self.video[0] : self.video[1]].sum(-1)

        return fn


def _attention_modules(model) -> list:
    layers = model.get_decoder().layers if hasattr(model, "get_decoder") else model.model.language_model.layers
    return [layer.self_attn for layer in layers]


def _generate_answer(model, processor, sample: Sample, frames, max_new_tokens: int, system: str | None) -> str:
    tok = processor.tokenizer
    enc = encode_sample(processor, sample, frames, prompt_only=True, system=system)
    batch = to_model(model_inputs(collate([enc], tok.pad_token_id, padding_side="left")), model)
    out = model.generate(
        **batch,
        max_new_tokens=max_new_tokens,
        do_sample=False,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    return tok.decode(out[0, batch["input_ids"].shape[1] :], skip_special_tokens=True).strip()


@torch.no_grad()
def frame_activation(
    model,
    processor,
    frames: np.ndarray | ModelVideo,
    prompt: str,
    answer: str | None = None,
    layers: str = "all",
    threshold: float | None = None,
    max_new_tokens: int = 32,
    system: str | None = None,
) -> FrameActivation:
    """Per-output-token attention share of each frame; see the module docstring.

    `frames`: (T, H, W, 3) uint8 or a `ModelVideo`; `system` replaces the template's system prompt.
    """
    placeholder = None if VIDEO_TOKEN in prompt else VIDEO_TOKEN  # the user's own placeholder stays where it is
    if answer is None:
        question = Sample.from_qa("attention", [(prompt, None)], placeholder=placeholder)
        answer = _generate_answer(model, processor, question, frames, max_new_tokens, system)
    sample = Sample.from_qa("attention", [(prompt, answer)], placeholder=placeholder)
    enc = encode_sample(processor, sample, frames, system=system)
    start, end = enc.turn_spans[-1]
    end -= 1  # the closing <|im_end|> is not an output word
    if end <= start:
        raise VideoutrError("the answer is empty: nothing to attribute")
    queries = torch.arange(start - 1, end - 1)  # the position that predicts each output token
    spans, frames_per_row = frame_spans(enc, model.config.video_token_id)
    capture = _Capture(queries, spans, enc.video_span)
    modules = _attention_modules(model)
    chosen = parse_layers(layers, len(modules))
    previous = getattr(model.config, "_attn_implementation", None)
    model.set_attn_implementation("eager")
    handles = [modules[i].register_forward_hook(capture.hook(i)) for i in chosen]
    try:
        batch = model_inputs(collate([enc], processor.tokenizer.pad_token_id))
        model(**to_model(batch, model), use_cache=False)
    finally:
        for handle in handles:
            handle.remove()
        if previous and previous != "eager":
            model.set_attn_implementation(previous)
    mass = torch.stack([capture.per_layer[i] for i in chosen]).mean(0)  # (tokens, frames)
    shares = (mass / mass.sum(-1, keepdim=True).clamp_min(1e-12)).T.numpy()
    tokens = [processor.tokenizer.decode([t]) for t in enc.input_ids[start:end].tolist()]
    video_mass = torch.stack([capture.video_mass[i] for i in chosen]).mean(0).tolist()
    return FrameActivation(
        shares,
        tokens,
        chosen,
        threshold or 1.0 / len(spans),
        video_mass,
        answer,
        capture.max_alive_layers,
        frames_per_row,
    )


def plot_heatmap(result: FrameActivation, path, title: str = "frame activation") -> None:
    """Heat map: rows <frame1>..<frameT>, columns the output tokens; active frames marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_frames, n_tokens = result.matrix.shape
    fig, ax = plt.subplots(figsize=(max(4, 0.35 * n_tokens + 2), max(3, 0.25 * n_frames + 1.5)))
    image = ax.imshow(result.matrix, aspect="auto", cmap="viridis", vmin=0)
    ax.set_yticks(
        range(n_frames),
        [("* " if f in result.active_frames else "") + result.row_label(f) for f in range(n_frames)],
        fontsize=7,
    )
    labels = [t if t.isprintable() else ascii(t)[1:-1] for t in result.tokens]
    ax.set_xticks(range(n_tokens), labels, rotation=90, fontsize=7)
    ax.set_title(
        f"{title}: {result.activation_number}/{n_frames} frames active (share >= {result.threshold:.3f})", fontsize=9
    )
    fig.colorbar(image, ax=ax, fraction=0.03)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
