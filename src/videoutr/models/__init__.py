"""Model layer: the tiny LLaVA-OneVision, loading real checkpoints, inputs, likelihoods.

Public API (import from the submodules; torch/transformers load only when used):

- `videoutr.models.tiny.init_tiny_model(out_dir, preset="tiny", seed=0) -> Path`
- `videoutr.models.load.load_video_model(name_or_path, dtype="auto", device="cpu") -> (model, processor)`
- `videoutr.models.load.frame_policy(name_or_path, processor, frames=None) -> FramePolicy`
- `videoutr.models.inputs.encode_sample(processor, sample, frames) -> EncodedSample`,
  `collate(encoded, pad_id, padding_side="right") -> dict`, `model_inputs(batch)`
- `videoutr.models.likelihood.assistant_nll(model, batch) -> NllResult` (`videoutr.models.nll`)
"""
