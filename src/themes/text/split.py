"""Split a comment into sentences and clauses, so that one comment can carry several themes
("fast delivery but rude courier" is two mentions with opposite tone)."""

from __future__ import annotations

import re

from .clean import letter_count

# sentence ends, and contrastive conjunctions that start a new point, in en / ru / lv
_SENTENCE = re.compile(r"(?<=[.!?…。])\s+|\n+|(?<=[!?])(?=[^\s!?])|\s*;\s*")
_CONNECTIVES = (r"(?:but|however|although|though|whereas|yet|except|"
                r"но|однако|зато|хотя|а вот|только|"
                r"bet|taču|tomēr|lai gan|toties|tikai)")
_CONTRAST = re.compile(r",?\s+(?=" + _CONNECTIVES + r"\b\s+\w)", re.IGNORECASE)
_LEADING_CONNECTIVE = re.compile(r"^" + _CONNECTIVES + r"\b[\s,]+(?=\w)", re.IGNORECASE)


def split_clauses(text: str, *, min_letters: int = 3, max_clauses: int = 8) -> list[str]:
    """Clauses of ``text`` in order; fragments too short to carry a theme join their neighbour."""
    clauses: list[str] = []
    for sentence in _SENTENCE.split(text):
        for clause in _CONTRAST.split(sentence):
            clause = clause.strip(" ,-–—")
            if not clause:
                continue
            if clauses and (letter_count(clause) < min_letters or letter_count(clauses[-1]) < min_letters):
                clauses[-1] = f"{clauses[-1]} {clause}"
            else:
                clauses.append(clause)
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
