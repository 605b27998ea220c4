"""Random-init models of the three supported families, built offline with the released geometry.

Each family keeps what decides its inputs exactly as released -- the chat template, the processor
classes and their settings (image size, patch, temporal patch, merge, pixel bounds, anyres grid,
pooling) and the vision tower's input geometry -- and shrinks what only costs time: the vision
tower's width and depth and the language model (2 layers, 64 wide, a tokenizer trained here on
the world's words with the family's special tokens).

- llava_onevision: llava-hf/llava-onevision-qwen2-0.5b-ov-hf (SigLIP 384 px, patch 14,
  anyres_max_9, `full` features; 27x27 patches pooled to 14x14 = 196 tokens per video frame).
- qwen2_vl: Qwen/Qwen2-VL-2B-Instruct (patch 14, temporal patch 2, merge 2).
- qwen2_5_vl: Qwen/Qwen2.5-VL-3B-Instruct (the same plus window attention, tokens_per_second 2).
"""

from __future__ import annotations

from dataclasses import replace

import torch

FAMILIES = ("llava_onevision", "qwen2_vl", "qwen2_5_vl")

# chat_template.json of llava-hf/llava-onevision-qwen2-0.5b-ov-hf
LLAVA_OV_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + ' '}}"
    "{# Render all images first #}{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}"
    "{{ '<image>' }}{% endfor %}"
    "{# Render all video then #}{% for content in message['content'] | selectattr('type', 'equalto', 'video') %}"
    "{{ '<video>' }}{% endfor %}"
    "{# Render all text next #}{% if message['role'] != 'assistant' %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ '\n' + content['text'] }}"
    "{% endfor %}{% else %}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{% generation %}{{ '\n' + content['text'] }}{% endgeneration %}{% endfor %}{% endif %}"
    "{{'<|im_end|>'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# chat_template.json of Qwen/Qwen2-VL-2B-Instruct (Qwen2.5-VL ships the same)
QWEN2_VL_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

LLAVA_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>", "<video>"]
QWEN_SPECIALS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]
# llava-onevision-qwen2-0.5b-ov-hf: image_grid_pinpoints, every (h, w) in 384 x {1..6}
PINPOINTS = [[384 * h, 384 * w] for h in range(1, 7) for w in range(1, 7)]
TEXT = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2)


def _tokenizer(specials: list[str], image_token: str, video_token: str, template: str):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    from videoutr.models.tokenizer import world_corpus

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        world_corpus(),
        trainers.BpeTrainer(
            vocab_size=512,
            special_tokens=specials,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        ),
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        extra_special_tokens={"image_token": image_token, "video_token": video_token},
    )
    tok.chat_template = template
    return tok


def _llava_onevision():
    from transformers import (
        LlavaOnevisionConfig,
        LlavaOnevisionForConditionalGeneration,
        LlavaOnevisionImageProcessor,
        LlavaOnevisionProcessor,
        LlavaOnevisionVideoProcessor,
    )

    from videoutr.models.tiny import PRESETS, towers

    tok = _tokenizer(LLAVA_SPECIALS, "<image>", "<video>", LLAVA_OV_TEMPLATE)
    shape = replace(PRESETS["ov-geometry"], vision_hidden=32, text_hidden=TEXT["hidden_size"], vocab_size=len(tok))
    vision, text = towers(
        shape,
        vision_mlp=64,
        text_mlp=TEXT["intermediate_size"],
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    config = LlavaOnevisionConfig(
        vision_config=vision,
        text_config=text,
        image_token_index=tok.image_token_id,
        video_token_index=tok.video_token_id,
        vision_feature_select_strategy="full",
        vision_feature_layer=-1,
        vision_aspect_ratio="anyres_max_9",
        image_grid_pinpoints=PINPOINTS,
        tie_word_embeddings=True,
    )
    model = LlavaOnevisionForConditionalGeneration(config)
    half = [0.5, 0.5, 0.5]
    processor = LlavaOnevisionProcessor(
        image_processor=LlavaOnevisionImageProcessor(
            size={"height": 384, "width": 384}, image_grid_pinpoints=PINPOINTS, image_mean=half, image_std=half
        ),
        video_processor=LlavaOnevisionVideoProcessor(
            size={"height": 384, "width": 384}, image_mean=half, image_std=half
        ),
        tokenizer=tok,
        num_image_tokens=729,
        vision_feature_select_strategy="full",
        vision_aspect_ratio="anyres_max_9",
        chat_template=LLAVA_OV_TEMPLATE,
    )
    return model, processor


def _qwen(v25: bool):
    import transformers
    from transformers import Qwen2VLImageProcessor, Qwen2VLVideoProcessor

    tok = _tokenizer(QWEN_SPECIALS, "<|image_pad|>", "<|video_pad|>", QWEN2_VL_TEMPLATE)
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN_SPECIALS}
    vision = dict(depth=2, num_heads=2, patch_size=14, spatial_merge_size=2, temporal_patch_size=2, in_channels=3)
    vision.update(
        dict(
            hidden_size=32,
            intermediate_size=64,
            out_hidden_size=TEXT["hidden_size"],
            window_size=112,
            fullatt_block_indexes=[1],
            tokens_per_second=2,
        )
        if v25
        else dict(embed_dim=32, hidden_size=TEXT["hidden_size"], mlp_ratio=2)
    )
    prefix = "Qwen2_5_VL" if v25 else "Qwen2VL"
    config = getattr(transformers, f"{prefix}Config")(
        text_config=dict(
            vocab_size=len(tok),
            **TEXT,
            bos_token_id=None,
            eos_token_id=ids["<|im_end|>"],
            rope_parameters={"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [2, 3, 3]},
        ),
        vision_config=vision,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
    )
    model = getattr(transformers, f"{prefix}ForConditionalGeneration")(config)
    pixels = {"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280}  # preprocessor_config.json
    processor = getattr(transformers, f"{prefix}Processor")(
        image_processor=Qwen2VLImageProcessor(size=pixels, patch_size=14, merge_size=2, temporal_patch_size=2),
        video_processor=Qwen2VLVideoProcessor(size=dict(pixels), patch_size=14, merge_size=2, temporal_patch_size=2),
        tokenizer=tok,
        chat_template=QWEN2_VL_TEMPLATE,
    )
    return model, processor


def build_family(family: str, seed: int = 0):
    """(model, processor) of `family` in float32, eval mode, random init with `seed`."""
    torch.manual_seed(seed)
    model, processor = _llava_onevision() if family == "llava_onevision" else _qwen(family == "qwen2_5_vl")
    return model.eval(), processor
