"""Split a comment into sentences and clauses, so that one comment can carry several themes
("fast delivery but rude courier" is two mentions with opposite tone)."""

from __future__ import annotations

import re

from .clean import letter_count
from .lemmas import has_content_words

# sentence ends, and contrastive conjunctions that start a new point, in en / ru / lv
_SENTENCE = re.compile(r"(?<=[.!?…。])\s+|\n+|(?<=[!?])(?=[^\s!?])|\s*;\s*")
_CONNECTIVES = (r"(?:but|however|although|though|whereas|yet|except|"
                r"но|однако|зато|хотя|а вот|только|"
                r"bet|taču|tomēr|lai gan|toties|tikai)")
_CONTRAST = re.compile(r",?\s+(?=" + _CONNECTIVES + r"\b\s+\w)", re.IGNORECASE)
_LEADING_CONNECTIVE = re.compile(r"^" + _CONNECTIVES + r"\b[\s,]+(?=\w)", re.IGNORECASE)


def split_clauses(text: str, *, min_letters: int = 3, max_clauses: int = 8, min_words: int = 0,
                  language: str = "unknown") -> list[str]:
    """Clauses of ``text`` in order; fragments too short to carry a theme join their neighbour:
    fewer than ``min_letters`` letters, or a sentence of fewer than ``min_words`` content words
    (stop words of ``language`` left out). "Thanks!", "Help." or "#fail" beside a complaint name
    no topic of their own: as mentions they gather in a theme of no topic that half the comments
    mention. The two sides of a contrast ("Nice, but pricey") stay apart however short: each
    has its own tone."""
    def small(clause: str, contrasted: bool) -> bool:
        return letter_count(clause) < min_letters or (
            not contrasted and min_words > 0 and not has_content_words(clause, language, min_words))

    clauses: list[str] = []
    previous_small = False
    for sentence in _SENTENCE.split(text):
        parts = [part.strip(" ,-–—") for part in _CONTRAST.split(sentence)]
        parts = [part for part in parts if part]
        contrasted = len(parts) > 1
        for clause in parts:
            this_small = small(clause, contrasted)
            if clauses and (this_small or previous_small):
                clauses[-1] = f"{clauses[-1]} {clause}"
                previous_small = small(clauses[-1], contrasted)
            else:
                clauses.append(clause)
                previous_small = this_small
    if not clauses:
        return [text.strip()] if text.strip() else []
    if len(clauses) > max_clauses:  # very long comments: keep the count bounded, lose no text
        head, tail = clauses[: max_clauses - 1], clauses[max_clauses - 1:]
        clauses = [*head, " ".join(tail)]
    return clauses


def mention_core(span: str) -> str:
    """The clause without the contrast word that opened it ("but the courier was rude" -> "the
    courier was rude"): what gets embedded for themes and tone. The word says the tone turns,
    not which way, and left in it pulls short clauses towards the tone of the other clause."""
    return _LEADING_CONNECTIVE.sub("", span) or span
