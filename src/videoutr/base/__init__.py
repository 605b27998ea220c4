"""The base checkpoint stage: a tiny LLaVA-OneVision pre-trained on still frames and cut videos of
the world (`build`), and what it reads off one frame (`probe`). The demo's arms fine-tune from it.

Modules: `still` (still-frame dialogues), `cut` (cut videos with place questions by frame),
`build` (the phases, trained per the packaged `recipes/tiny_base.yaml`), `probe` (accuracy per question kind
and the cell test).
"""
