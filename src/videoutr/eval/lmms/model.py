"""The lmms-eval model class `videoutr` (imported by lmms-eval only; needs the `lmms` extra).

python -m lmms_eval --model videoutr --model_args pretrained=DIR,frames=8,device=cpu --tasks ...
"""

from __future__ import annotations

from lmms_eval.api.model import lmms
from tqdm import tqdm

from videoutr.eval.lmms.core import VideoutrLmmsCore


def _ll_passthrough():
    """lmms-eval 0.7.x's evaluator turns any (float, bool) result into its str() (breaking every
    multiple_choice task); a GenerationResult's `text` passes through untouched, so wrap in one."""
    try:
        from lmms_eval.api.instance import GenerationResult, unwrap_generation_output
    except ImportError:
        return lambda pair: pair
    if not isinstance(unwrap_generation_output((0.0, False))[0], str):
        return lambda pair: pair
    return lambda pair: GenerationResult(text=pair)


class VideoutrLMM(lmms):
    """videoutr checkpoints (tiny LLaVA-OneVision, Video-UTR-7b, Qwen2-VL) inside lmms-eval."""

    is_simple = True

    def __init__(
        self,
        pretrained: str,
        device: str = "cpu",
        dtype: str = "auto",
        frames=None,
        max_new_tokens: int = 64,
        batch_size=1,
        **kwargs,
    ) -> None:
        super().__init__()
        self.core = VideoutrLmmsCore(
            pretrained, device=device, dtype=dtype, frames=frames, max_new_tokens=max_new_tokens
        )

    def _doc(self, doc_id, task, split):
        return self.task_dict[task][split][doc_id]

    def generate_until(self, requests) -> list[str]:
        out = []
        for req in tqdm(requests, desc="videoutr generate", disable=self.rank != 0):
            context, gen_kwargs, doc_to_visual, doc_id, task, split = req.args
            text = self.core.generate(context, doc_to_visual(self._doc(doc_id, task, split)), gen_kwargs)
            self.cache_hook.add_partial("generate_until", (context, gen_kwargs), text)
            out.append(text)
        return out

    def loglikelihood(self, requests) -> list[tuple[float, bool]]:
        wrap = _ll_passthrough()
        out = []
        for req in tqdm(requests, desc="videoutr loglikelihood", disable=self.rank != 0):
            context, target, doc_to_visual, doc_id, task, split = req.args
            doc = self._doc(doc_id, task, split)
            continuation = target if isinstance(target, str) else target(doc)
            out.append(wrap(self.core.loglikelihood(context, continuation, doc_to_visual(doc))))
        return out

    def generate_until_multi_round(self, requests) -> list[str]:
        return self.generate_until(requests)
