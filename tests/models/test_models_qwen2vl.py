"""Qwen2-VL and Qwen2.5-VL through the same model layer: load, encode (= their processor), NLL, TPL."""

import math

import numpy as np
import pytest
import torch

from videoutr.data.llava import Sample, Turn

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>",
            "<|image_pad|>", "<|video_pad|>"]


@pytest.fixture(scope="module", params=["qwen2_vl", "qwen2_5_vl"])
def qwen_dir(tmp_path_factory, request):
    """A random-init tiny Qwen2-VL / Qwen2.5-VL saved in HF form, with a tokenizer trained here."""
    import transformers
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2VLImageProcessor, Qwen2VLVideoProcessor

    from videoutr.models.tokenizer import CHAT_TEMPLATE, world_corpus

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(world_corpus(), trainers.BpeTrainer(
        vocab_size=512, special_tokens=SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False))
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                  extra_special_tokens={"image_token": "<|image_pad|>", "video_token": "<|video_pad|>"})
    tok.chat_template = CHAT_TEMPLATE
    ids = {t: tok.convert_tokens_to_ids(t) for t in SPECIALS}
    v25 = request.param == "qwen2_5_vl"
    vision = dict(depth=2, num_heads=2, patch_size=8, spatial_merge_size=2, temporal_patch_size=2)
    vision.update(dict(hidden_size=32, intermediate_size=64, out_hidden_size=64, window_size=32,
                       fullatt_block_indexes=[1]) if v25 else dict(embed_dim=32, hidden_size=64))
    prefix = "Qwen2_5_VL" if v25 else "Qwen2VL"
    config = getattr(transformers, f"{prefix}Config")(
        text_config=dict(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, bos_token_id=None, eos_token_id=ids["<|im_end|>"],
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]}),
        vision_config=vision,
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    torch.manual_seed(0)
    size = {"shortest_edge": 32 * 32, "longest_edge": 64 * 64}
    processor = getattr(transformers, f"{prefix}Processor")(
        image_processor=Qwen2VLImageProcessor(size=size, patch_size=8, merge_size=2), tokenizer=tok,
        video_processor=Qwen2VLVideoProcessor(size=size, patch_size=8, merge_size=2, temporal_patch_size=2),
        chat_template=CHAT_TEMPLATE)
    out = tmp_path_factory.mktemp(request.param)
    getattr(transformers, f"{prefix}ForConditionalGeneration")(config).save_pretrained(out)
    processor.save_pretrained(out)
    return out


def test_qwen2vl_encode_matches_processor_and_scores(qwen_dir):
    from videoutr.models.inputs import collate, encode_sample, model_inputs
    from videoutr.models.likelihood import assistant_nll
    from videoutr.models.load import load_video_model
    from videoutr.tpl.score import TplScorer

    model, processor = load_video_model(qwen_dir, dtype="float32")
    assert type(model).__name__ in ("Qwen2VLForConditionalGeneration", "Qwen2_5_VLForConditionalGeneration")
    frames = np.random.default_rng(0).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)
    sample = Sample(id="q", conversations=[Turn("human", "<video>\nWhat moves?"), Turn("gpt", "A red circle.")])
    enc = encode_sample(processor, sample, frames)
    text = processor.tokenizer.apply_chat_template(
        [{"role": "user", "content": "<|vision_start|><|video_pad|><|vision_end|>\nWhat moves?"},
         {"role": "assistant", "content": "A red circle."}], tokenize=False)
    ref = processor(text=[text], videos=[frames], return_tensors="pt")
    assert torch.equal(ref["input_ids"][0], enc.input_ids)
    assert torch.equal(ref["mm_token_type_ids"][0], enc.token_extras["mm_token_type_ids"])  # M-RoPE needs it
    batch = collate([enc, enc], processor.tokenizer.pad_token_id)
    result = assistant_nll(model, batch)
    with torch.no_grad():
        loss = model(**model_inputs(batch, with_labels=True)).loss.item()
    assert math.isclose(result.nll_sum[0] / result.n_tokens[0], loss, rel_tol=1e-5)
    record = TplScorer(model, processor).score([(sample, frames)])[0]  # one-frame video encoded separately
    assert record["ppl_full"] == pytest.approx(result.ppl[0], rel=1e-5) and math.isfinite(record["tpl"])
