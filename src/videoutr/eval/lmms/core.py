"""The lmms-eval request handling of the videoutr model, free of lmms-eval imports (testable alone).

Log-likelihood requests return log p(continuation | video, context) — the NEGATIVE summed NLL —
so lmms-eval's multiple-choice argmax picks the most probable option (llava_hf returns the loss
there, which makes the argmax pick the least probable one).

    core = VideoutrLmmsCore("runs/tiny/train")
    core.generate("Where does it move?", ["world/videos/v0.mp4"], {"max_new_tokens": 8})
    core.loglikelihood("Where does it move?", "left", ["world/videos/v0.mp4"])
"""

from __future__ import annotations

from videoutr.data.llava import Sample


def _first_video(visuals) -> str | None:
    flat = []
    for v in visuals if isinstance(visuals, (list, tuple)) else [visuals]:
        flat.extend(v if isinstance(v, (list, tuple)) else [v])
    paths = [v for v in flat if isinstance(v, str)]
    return paths[0] if paths else None


def cut_at_stops(text: str, until: list[str] | str | None) -> str:
    """Truncate generated text at the first stop string (lmms-eval's `until`)."""
    stops = [until] if isinstance(until, str) else list(until or [])
    for stop in stops:
        if stop and stop in text:
            text = text.split(stop, 1)[0]
    return text


class VideoutrLmmsCore:
    """Load a videoutr/HF video MLLM once; answer generation and log-likelihood requests."""

    def __init__(
        self,
        pretrained: str,
        device: str = "cpu",
        dtype: str = "auto",
        frames: int | None = None,
        max_new_tokens: int = 64,
    ) -> None:
        from videoutr.models.load import frame_policy, load_video_model

        self.model, self.processor = load_video_model(pretrained, dtype=dtype, device=device)
        self.policy = frame_policy(pretrained, self.processor, int(frames) if frames else None)
        self.max_new_tokens = int(max_new_tokens)

    def frames(self, visuals):
        from videoutr.models.load import read_video_frames

        path = _first_video(visuals)
        return None if path is None else read_video_frames(path, self.policy)

    def generate(self, context: str, visuals, gen_kwargs: dict | None = None) -> str:
        from videoutr.eval.scoring import generate_answer

        gen_kwargs = dict(gen_kwargs or {})
        text = generate_answer(
            self.model,
            self.processor,
            context,
            self.frames(visuals),
            int(gen_kwargs.get("max_new_tokens", self.max_new_tokens)),
        )
        return cut_at_stops(text, gen_kwargs.get("until"))

    def loglikelihood(self, context: str, continuation: str, visuals) -> tuple[float, bool]:
        from videoutr.eval.scoring import dialogue_logliks

        frames = self.frames(visuals)
        sample = Sample.from_qa("req", [(context, continuation.strip())])
        sums, _ = dialogue_logliks(self.model, self.processor, [sample], frames)
        return float(sums[0]), False
