"""`videoutr model init` from the command line."""

import json

import pytest
from typer.testing import CliRunner

from videoutr.cli import app
from videoutr.errors import ConfigError


def test_model_init_small_preset_with_corpus(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the zebra crossing appears in frame 7\n" * 50)
    result = CliRunner().invoke(
        app,
        ["model", "init", "--out", str(tmp_path / "m"), "--preset", "small", "--seed", "2", "--corpus", str(corpus)],
    )
    assert result.exit_code == 0, result.exception
    assert "16 tokens/frame" in result.stdout
    sidecar = json.loads((tmp_path / "m" / "videoutr.json").read_text())
    assert (sidecar["preset"], sidecar["seed"], sidecar["tokens_per_frame"]) == ("small", 2, 16)
    from transformers import AutoProcessor, LlavaOnevisionForConditionalGeneration

    model = LlavaOnevisionForConditionalGeneration.from_pretrained(tmp_path / "m")
    processor = AutoProcessor.from_pretrained(tmp_path / "m")
    assert model.config.vision_config.image_size == 64 and model.config.text_config.num_hidden_layers == 4
    assert model.config.text_config.vocab_size == len(processor.tokenizer)
    assert "Ġzebra" in processor.tokenizer.get_vocab()  # learned from --corpus


@pytest.mark.parametrize(
    "args, error", [(["--preset", "huge"], ConfigError), (["--corpus", "/no/such/file.txt"], ConfigError)]
)
def test_model_init_bad_options(tmp_path, args, error):
    result = CliRunner().invoke(app, ["model", "init", "--out", str(tmp_path / "m"), *args])
    assert isinstance(result.exception, error)
