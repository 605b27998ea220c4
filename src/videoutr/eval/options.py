"""Multiple-choice prompts and robust option extraction from generated text.

>>> extract_option("The answer is (B).", ["a red circle", "a blue square"])
1
>>> extract_option("a blue square", ["a red circle", "a blue square"])
1
>>> extract_option("I am not sure", ["a red circle", "a blue square"]) is None
True
"""

from __future__ import annotations

import re

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MCQ_INSTRUCTION = "Answer with the option's letter from the given choices directly."

_LEAD = re.compile(
    r"^\s*(?:the\s+)?(?:correct\s+|best\s+|final\s+)?(?:answer|option|choice)\s*(?:is|:)?\s*[:\-]?\s*",
    re.IGNORECASE,
)


def letter(index: int) -> str:
    """The option letter of a 0-based index (0 → "A")."""
    return LETTERS[index]


def format_options(candidates: list[str]) -> str:
    """One line per option: "A. text" (MVBench / lmms-eval style)."""
    return "\n".join(f"{letter(i)}. {c}" for i, c in enumerate(candidates))


def mcq_prompt(question: str, candidates: list[str], instruction: str = MCQ_INSTRUCTION) -> str:
    """The question, its options, and the answer-format instruction."""
    return f"{question.strip()}\n{format_options(candidates)}\n{instruction}"


def _is_word(text: str, pos: int) -> bool:
    """True when the capital at `pos` is the pronoun "I" ("I think") or a sentence-initial article
    "A" ("A red circle"), not an option letter; "either A or B" keeps both letters."""
    if text[pos] not in "AI" or re.match(r" [a-z]", text[pos + 1 : pos + 3]) is None:
        return False
    return text[pos] == "I" or re.search(r"(^|[.!?:]\s*)[\s\*\(\[\{\"']*$", text[:pos]) is not None


def _letter_at_start(text: str, n: int) -> int | None:
    valid = LETTERS[:n]
    # "B", "(B)", "B.", "B)", "B:", "[B]", "**B**", "B. a blue square", "Option B", "answer: B"
    match = re.match(r"^[\s\*\(\[\{\"']*([A-Z])(?![A-Za-z])", text)
    if match and match.group(1) in valid and not _is_word(text, match.start(1)):
        return valid.index(match.group(1))
    return None


def _text_match(text: str, candidates: list[str]) -> int | None:
    low = " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())
    normed = [" ".join(re.sub(r"[^a-z0-9 ]+", " ", c.lower()).split()) for c in candidates]
    exact = [i for i, c in enumerate(normed) if c and c == low]
    if len(exact) == 1:
        return exact[0]
    contained = [i for i, c in enumerate(normed) if c and re.search(rf"(?<![a-z0-9]){re.escape(c)}(?![a-z0-9])", low)]
    if len(contained) == 1:
        return contained[0]
    if len(contained) > 1:  # "left" inside "moves left then right"? take the longest unique match
        longest = max(len(normed[i]) for i in contained)
        best = [i for i in contained if len(normed[i]) == longest]
        return best[0] if len(best) == 1 else None
    return None


def extract_option(text: str, candidates: list[str]) -> int | None:
    """The 0-based option a generated answer picks, or None when it names none (or several).

    Tried in order: a letter at the start ("B", "(B)", "B.", "**B**"), after a lead-in ("The answer
    is B", "Answer: (C)", "Option D"), a lone letter elsewhere ("I think it is C."), then the option
    text itself (exact, or contained once).
    """
    n = len(candidates)
    if n == 0 or not text or not text.strip():
        return None
    text = text.strip()
    found = _letter_at_start(text, n)
    if found is not None:
        return found
    stripped = _LEAD.sub("", text)
    if stripped != text:
        found = _letter_at_start(stripped, n)
        if found is not None:
            return found
    by_text = _text_match(text, candidates)
    if by_text is not None:
        return by_text
    valid = LETTERS[:n]
    lone = {
        m.group(1)
        for m in re.finditer(r"(?<![A-Za-z])\(?([A-Z])\)?(?![A-Za-z])", text)
        if m.group(1) in valid and not _is_word(text, m.start(1))
    }
    if len(lone) == 1:
        return valid.index(lone.pop())
    return None
