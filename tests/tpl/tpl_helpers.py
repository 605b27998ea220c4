"""Test helpers: 2-frame colour clips, and a micro model that learns a 2-frame world in seconds.

Clips for the sign test are 32x32: the top half keeps one colour in both frames (visible in any frame); the bottom
half changes colour between frame 1 and frame 2 (only the pair of frames tells the change).
"""

import numpy as np
import torch

from videoutr.data.llava import Sample, Turn

COLOURS = {"red": (220, 30, 30), "green": (30, 200, 30), "blue": (30, 30, 220), "yellow": (230, 220, 30)}


def clip(top: str, first: str, last: str) -> np.ndarray:
    frames = np.zeros((2, 32, 32, 3), np.uint8)
    frames[:, :16] = COLOURS[top]
    frames[0, 16:] = COLOURS[first]
    frames[1, 16:] = COLOURS[last]
    return frames


def static_sample(i: int, top: str) -> Sample:
    return Sample(
        id=f"static-{i}",
        source="world",
        extra={"subset": "static"},
        conversations=[Turn("human", "<video>\nWhat colour is the top?"), Turn("gpt", top)],
    )


def motion_sample(i: int, first: str, last: str) -> Sample:
    return Sample(
        id=f"motion-{i}",
        source="world",
        extra={"subset": "motion"},
        conversations=[Turn("human", "<video>\nHow does the bottom change?"), Turn("gpt", f"from {first} to {last}")],
    )


def random_item(rng: np.random.Generator, i: int):
    names = list(COLOURS)
    top, first, last = (names[k] for k in rng.choice(len(names), size=3, replace=True))
    while last == first:
        last = names[rng.integers(len(names))]
    sample = static_sample(i, top) if i % 2 == 0 else motion_sample(i, first, last)
    return sample, clip(top, first, last)


def train_micro_model(model, processor, steps: int = 150, batch: int = 16, lr: float = 3e-3, seed: int = 0):
    """Train in place on the 2-frame world; returns the last loss.

    Every third step is a batch of one-frame clips with the static question (like image data in
    video training): the top colour must be read wherever the frame sits, not from one position.
    """
    from videoutr.models.inputs import collate, encode_sample, model_inputs

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    pairs = [encode_sample(processor, *random_item(rng, i)) for i in range(96)]
    singles = []
    for i in range(48):
        sample, frames = random_item(rng, 2 * i)
        singles.append(encode_sample(processor, sample, frames[i % 2 : i % 2 + 1]))
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    for step in range(steps):
        pool = singles if step % 3 == 2 else pairs
        chosen = [pool[k] for k in rng.choice(len(pool), size=batch, replace=False)]
        loss = model(**model_inputs(collate(chosen, processor.tokenizer.pad_token_id), with_labels=True)).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return loss.item()


class DyingOnce:
    """A TPL scoring step whose first call, in the whole run, kills its own process (a worker
    dying mid-batch): `marker` records that it happened."""

    def __init__(self, cfg, marker: str) -> None:
        from videoutr.tpl.steps import TplScoring

        self.scoring, self.marker = TplScoring(cfg), marker

    def __call__(self, batch):
        import os

        if not os.path.exists(self.marker):
            open(self.marker, "w").close()
            os._exit(1)
        return self.scoring(batch)
