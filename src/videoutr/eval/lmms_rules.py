"""Each public benchmark's generation prompt and answer-extraction rule, as lmms-eval 0.7.3 has them.

A model's generated answer is scored the way lmms-eval's own task (`lmms_eval/tasks/<task>/utils.py`)
scores it, so that a number from `videoutr eval --method generate` compares with a published
lmms-eval number. The rules are re-implemented here from those task files:

- MVBench (`mvbench_process_results` / `mcq_acc`): "A. text" gives A; otherwise the response is
  cleaned of punctuation and the first stand-alone letter A-E, in either case, is the answer (so
  a lone article "a" reads as A). Its accuracy divides by the non-empty responses.
- Video-MME (`extract_characters_regex` -> `_task_utils.mcq_extract.extract_mcq_answer` over
  A-D): every letter found as "(X)", "X.", "X:", "X)", "X ", after an answer phrase, at the
  start or at the end is a candidate; the highest-ranked form wins, the last occurrence breaks a
  tie; with none of those, any occurrence of a letter.
- TempCompass: multi-choice -- the response equals the answer, is a bare letter, or begins
  "X." / "X)"; yes_no -- the lower-cased response begins "yes" or "no"; caption_matching -- the
  response equals a whole option line, an option sentence (also after "(X) "), or an option
  label ("Caption A", "A", also without a full stop). Anything else goes to a GPT judge in
  lmms-eval; here it stays unmatched (None).
- NExT-QA (`parse_multi_choice_response`, MMMU's parser): "(X)", else "X ", else "X.", else for a
  response of more than 5 words an option text it contains; several candidates: the last one.
  lmms-eval picks a random letter when nothing matches; here that stays unmatched (None).
- PerceptionTest (`perceptiontest_val_process_results_mc`): the first stand-alone capital A-D.

Other benchmarks (the synthetic world, generic MCQ files) use videoutr's own
`videoutr.eval.options.extract_option`.

    >>> extract_choice("mvbench", "(B) the man opens the door", ["sits", "opens the door"])
    1
    >>> extract_choice("videomme", "The answer is C.", ["w", "x", "y", "z"])
    2
"""

from __future__ import annotations

import re

from videoutr.eval.options import LETTERS, extract_option

BENCHMARKS = ("mvbench", "videomme", "tempcompass", "nextqa", "perceptiontest")

MVBENCH_POST = "Only give the best option.\n"
VIDEOMME_PRE = (
    "Select the best answer to the following multiple-choice question based on the video and the "
    "subtitles. Respond with only the letter (A, B, C, or D) of the correct option."
)
VIDEOMME_POST = "\nAnswer with the option's letter from the given choices directly."
TEMPCOMPASS_POST = {
    "multi-choice": "\nPlease directly give the best option:",
    "yes_no": "\nPlease answer yes or no:",
    "caption_matching": "\nPlease directly give the best option:",
    "captioning": "",
}
PERCEPTIONTEST_POST = "\nAnswer with the option's letter from the given choices directly."


# ---------------------------------------------------------------- prompts


def prompt_for(benchmark: str | None, question: str, candidates: list[str], extra: dict) -> str | None:
    """lmms-eval's `doc_to_text` for `benchmark` (None for a benchmark without its own prompt).

    `extra` holds what the loader kept of the original record: Video-MME's option strings
    (`options`), TempCompass's full question (`raw_question`) and task (`tempcompass_task`).
    """
    if benchmark == "mvbench":
        options = "".join(f"({LETTERS[i]}) {c}\n" for i, c in enumerate(candidates))
        return f"Question:{question}\nOption:\n{options}{MVBENCH_POST}"
    if benchmark == "videomme":
        options = "\n".join(str(o) for o in extra["options"])
        return f"{VIDEOMME_PRE}\n{question}\n{options}\n{VIDEOMME_POST}"
    if benchmark == "tempcompass":
        return f"{extra['raw_question']}{TEMPCOMPASS_POST[extra['tempcompass_task']]}"
    if benchmark == "nextqa":
        return "\n".join([question.strip(), *(f"{LETTERS[i]}. {c.strip()}" for i, c in enumerate(candidates))])
    if benchmark == "perceptiontest":  # lmms-eval labels every option after the second "C."
        labels = ["A", "B"] + ["C"] * max(len(candidates) - 2, 0)
        return question + "".join(f"\n{labels[i]}. {c}" for i, c in enumerate(candidates)) + PERCEPTIONTEST_POST
    return None


# ---------------------------------------------------------------- MVBench

_MVB_OPTION = re.compile(r"^([A-E])\.\s*(.+)$", re.IGNORECASE)
_MVB_PUNCT = [";", r"/", "[", "]", '"', "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!"]
_PERIOD = re.compile(r"(?!<=\d)(\.)(?!\d)")
_COMMA_NUMBER = re.compile(r"(\d)(,)(\d)")


def _mvbench_punctuation(text: str) -> str:
    """VQA-style punctuation clean-up: a mark next to a space (or any, in a number with commas)
    is dropped, otherwise it becomes a space; full stops not between digits are dropped."""
    out = text
    for mark in _MVB_PUNCT:
        if mark + " " in text or " " + mark in text or _COMMA_NUMBER.search(text):
            out = out.replace(mark, "")
        else:
            out = out.replace(mark, " ")
    return _PERIOD.sub("", out)


def mvbench_answer(response: str) -> str:
    """MVBench's reading of a response: an upper-case letter A-E, or the cleaned text when it has none."""
    match = _MVB_OPTION.match(response.strip())
    if match:
        return match.group(1).upper()
    text = _mvbench_punctuation(response.replace("\n", " ").replace("\t", " ").strip())
    text = text.strip("'").strip('"').strip(")").strip("(").strip().lower()
    letter = re.search(r"\b([A-E])\b", text, re.IGNORECASE)
    return letter.group(1).upper() if letter else text


# ---------------------------------------------------------------- Video-MME (lmms-eval's shared MCQ extractor)

_ANSWER_PHRASES = (
    "the answer is",
    "answer is",
    "the correct answer is",
    "correct answer is",
    "the best answer is",
    "best answer is",
    "the correct option is",
    "correct option is",
    "the best option is",
    "best option is",
    "the choice is",
    "choice is",
    "the correct choice is",
    "correct choice is",
    "i choose",
    "i select",
    "i pick",
    "my answer is",
    "my choice is",
    "옵션",
    "정답은",
    "답은",
    "답:",
    "答案是",
    "答案为",
    "选",
    "答えは",
)
_RANK = {
    "start": 10,
    "end": 9,
    "phrase": 7,
    "parentheses": 6,
    "period": 5,
    "colon": 4,
    "right_paren": 3,
    "space": 2,
    "fallback": 0,
}


def mcq_letter(response: str, choices: list[str]) -> str:
    """lmms-eval's `extract_mcq_answer`: the choice letter a response gives, "" when none."""
    if not response or not response.strip():
        return ""
    text = response.strip()
    for mark in ",.!?;:'\"":
        text = text.strip(mark)
    text = f" {text} "
    found: list[tuple[str, int, str]] = []
    for form, pattern in (
        ("parentheses", "({})"),
        ("period", "{}."),
        ("colon", "{}:"),
        ("right_paren", "{})"),
        ("space", "{} "),
    ):
        found += [(ch, text.rfind(pattern.format(ch)), form) for ch in choices if pattern.format(ch) in text]
    lower = text.lower()
    for phrase in _ANSWER_PHRASES:
        at = lower.find(phrase)
        if at != -1:
            found += [
                (ch, text.find(ch, at + len(phrase)), "phrase")
                for ch in choices
                if text.find(ch, at + len(phrase)) != -1
            ]
    bare = text.strip()
    found += [(ch, 0, "start") for ch in choices if bare.startswith(ch) and (len(bare) == 1 or not bare[1].isalpha())]
    found += [
        (ch, len(text) - 1, "end") for ch in choices if bare.endswith(ch) and (len(bare) == 1 or not bare[-2].isalpha())
    ]
    if not found:
        found = [(ch, text.rfind(ch), "fallback") for ch in choices if ch in text]
    if not found:
        return ""
    return max(found, key=lambda c: (_RANK[c[2]], c[1]))[0]


# ---------------------------------------------------------------- TempCompass


def _tempcompass_multi_choice(response: str, answer: str) -> str | None:
    """The letter a multi-choice response gives under TempCompass's hand rules, else None."""
    if response == answer:
        return answer[0]
    if response in ("A", "B", "C", "D"):
        return response
    for close in (".", ")"):
        if any(response.startswith(f"{ch}{close}") for ch in "ABCD"):
            return response.split(close)[0]
    return None


def _tempcompass_yes_no(response: str) -> str | None:
    low = response.lower()
    return "yes" if low.startswith("yes") else "no" if low.startswith("no") else None


def _tempcompass_caption(response: str, question: str) -> int | None:
    """The option a caption-matching response names under TempCompass's rule (a whole option
    line, an option sentence, also after "(X) ", or a label: "Caption A", "A", "A."), else None;
    a later form of match overrides an earlier one, as there."""
    lines = question.split("\n")[1:]
    sentences = [line.split(": ")[1] for line in lines]
    labels = [line.split(": ")[0] for line in lines]
    short = [label.replace("Sentence ", "").replace("Option ", "").replace("Caption ", "") for label in labels]
    picked = None
    for k, line in enumerate(lines):
        if line == response:
            picked = k
    for k, sentence in enumerate(sentences):
        if sentence == response or (") " in response and sentence == response.split(") ")[1]):
            picked = k
    for k, label in enumerate(labels + short):
        if label == response or label == response.replace(".", ""):
            picked = k % len(lines)
    return picked


# ---------------------------------------------------------------- NExT-QA (MMMU's parser)


def nextqa_letter(response: str, candidates: list[str]) -> str | None:
    """The option letter NExT-QA's parser reads, None where lmms-eval would pick one at random."""
    letters = list(LETTERS[: len(candidates)])
    for mark in ",.!?;:'":
        response = response.strip(mark)
    response = f" {response} "
    found = [ch for ch in letters if f"({ch})" in response]
    bracketed, by_letter = bool(found), True
    if not found:
        found = [ch for ch in letters if f"{ch} " in response]
    if not found:
        found = [ch for ch in letters if f"{ch}." in response]
    if not found and len(response.split()) > 5:
        found = [ch for ch, text in zip(letters, candidates) if text.strip().lower() in response.lower()]
        by_letter = False
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    if not by_letter:
        where = [response.lower().rfind(candidates[letters.index(ch)].strip().lower()) for ch in found]
    elif bracketed:
        where = [response.rfind(f"({ch})") for ch in found]
    else:
        where = [response.rfind(f" {ch} ") for ch in found]
    return found[where.index(max(where))]  # numpy argmax: the first of equal maxima


# ---------------------------------------------------------------- dispatch


def _index(letter: str | None, n: int) -> int | None:
    return LETTERS.index(letter) if letter and letter in LETTERS[:n] else None


def extract_choice(
    benchmark: str | None, response: str, candidates: list[str], extra: dict | None = None
) -> int | None:
    """The 0-based option `response` picks under `benchmark`'s lmms-eval rule (None: unmatched).

    `extra`: the loader's record of the original item (TempCompass's question, answer and task).
    """
    extra = extra or {}
    n = len(candidates)
    if benchmark == "mvbench":
        return _index(mvbench_answer(response), n)
    if benchmark == "videomme":
        return _index(mcq_letter(response, list(LETTERS[:4])), n)
    if benchmark == "nextqa":
        return _index(nextqa_letter(response, candidates), n)
    if benchmark == "perceptiontest":
        match = re.search(r"\b([A-D])\b", response.strip())
        return _index(match.group(1) if match else None, n)
    if benchmark == "tempcompass":
        task = extra.get("tempcompass_task")
        if task == "yes_no":
            said = _tempcompass_yes_no(response)
            return None if said is None else candidates.index(said)
        if task == "caption_matching":
            return _tempcompass_caption(response, extra["raw_question"])
        return _index(_tempcompass_multi_choice(response, extra["raw_answer"]), n)
    return extract_option(response, candidates)


def answered(benchmark: str | None, response: str, pred: int | None) -> bool:
    """Whether lmms-eval counts the response as answered: MVBench any non-empty response, the
    others a matched option."""
    return bool(response) if benchmark == "mvbench" else pred is not None
