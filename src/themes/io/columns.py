"""Column roles (text, score, date, id, language, segments): given by the user or guessed.

Guesses come from common header names in English, Russian and Latvian and are printed,
so a wrong guess is visible and can be overridden with a flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ThemesError, column_list
from .read import ROW

# normalized header -> role; order within a role is preference
HEADER_NAMES: dict[str, list[str]] = {
    "text": ["comment", "comments", "feedback", "text", "review", "review text", "verbatim", "response",
             "answer", "message", "body", "open answer", "why", "reason",
             "комментарий", "комментарии", "отзыв", "текст", "сообщение", "ответ",
             "komentārs", "komentāri", "komentars", "atsauksme", "teksts", "atbilde", "ziņa"],
    "score": ["nps", "score", "nps score", "rating", "likelihood to recommend", "recommend", "ltr",
              "оценка", "балл", "рейтинг", "nps оценка", "vērtējums", "novērtējums", "punkti", "atzīme"],
    "date": ["date", "created", "created at", "created_at", "timestamp", "time", "submitted",
             "submitted at", "response date", "survey date", "дата", "время", "datums", "laiks"],
    "id": ["id", "response id", "response_id", "respondent id", "respondent_id", "comment id",
           "comment_id", "review id", "ticket id", "номер", "ид", "numurs"],
    "language": ["language", "lang", "locale", "язык", "valoda"],
    "segments": ["channel", "segment", "customer segment", "customer_segment", "country", "region",
                 "touchpoint", "journey stage", "product", "plan", "канал", "сегмент", "страна",
                 "kanāls", "segments", "valsts"],
}


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(name).strip().lower())


@dataclass
class ColumnRoles:
    text: list[str] = field(default_factory=list)
    score: str | None = None
    date: str | None = None
    id: str | None = None
    language: str | None = None
    segments: list[str] = field(default_factory=list)
    gold: str | None = None  # human codes, compared with the machine's (themes code --gold); never guessed
    guessed: dict[str, str] = field(default_factory=dict)  # role -> column, for what we guessed

    def describe(self) -> str:
        parts = [f"text={'+'.join(self.text)}"]
        for role in ("score", "date", "id", "language", "gold"):
            if getattr(self, role):
                parts.append(f"{role}={getattr(self, role)}")
        if self.segments:
            parts.append(f"segments={','.join(self.segments)}")
        return " ".join(parts)


def _find(columns: list[str], role: str) -> str | None:
    by_norm = {_norm(c): c for c in columns}
    for name in HEADER_NAMES[role]:
        if name in by_norm:
            return by_norm[name]
    return None


def resolve_roles(columns: list[str], source: str, *, text: list[str] | None = None,
                  score: str | None = None, date: str | None = None, id: str | None = None,
                  language: str | None = None, segments: list[str] | None = None,
                  gold: str | None = None) -> ColumnRoles:
    """Map roles to this file's columns: given names must exist; missing ones are guessed."""
    columns = [c for c in columns if c != ROW]
    roles = ColumnRoles()

    def need(name: str, role: str) -> str:
        if name in columns:
            return name
        match = [c for c in columns if _norm(c) == _norm(name)]
        if match:
            return match[0]
        raise ThemesError(f"{source}: no column '{name}' for --{role} (columns: {column_list(columns)})")

    if text:
        roles.text = [need(t, "text") for t in text]
    else:
        guess = _find(columns, "text")
        if guess is None:
            raise ThemesError(f"{source}: no text column found; name it with --text "
                              f"(columns: {column_list(columns)})")
        roles.text = [guess]
        roles.guessed["text"] = guess
    for role, given in (("score", score), ("date", date), ("id", id), ("language", language)):
        if given:
            setattr(roles, role, need(given, role if role != "language" else "lang"))
        else:
            guess = _find(columns, role)
            if guess is not None and guess not in roles.text:
                setattr(roles, role, guess)
                roles.guessed[role] = guess
    if gold:
        roles.gold = need(gold, "gold")
    if segments:
        roles.segments = [need(s, "segment") for s in segments]
    else:
        taken = set(roles.text) | {roles.score, roles.date, roles.id, roles.language, roles.gold}
        roles.segments = [c for c in columns
                          if _norm(c) in HEADER_NAMES["segments"] and c not in taken]
        if roles.segments:
            roles.guessed["segments"] = ",".join(roles.segments)
    return roles


# ------------------------------------------------------------------ values
_SCORE_TEXT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)(?![\d.,])")
_NUMBER_WORDS = {
    word: value for value, words in enumerate([
        "zero ноль nulle", "one один viens", "two два divi", "three три trīs", "four четыре četri",
        "five пять pieci", "six шесть seši", "seven семь septiņi", "eight восемь astoņi",
        "nine девять deviņi", "ten десять desmit"]) for word in words.split()
}


def parse_score(raw: str) -> float | None:
    """A score from a cell: '9', '9.0', '9,5', '10 - extremely likely', 'nine', 'девять'.
    None if there is no number."""
    match = _SCORE_TEXT.match(str(raw))
    if match:
        return float(match.group(1).replace(",", "."))
    first = str(raw).strip().lower().split(" ")[0].strip(".,;:!-")
    value = _NUMBER_WORDS.get(first)
    return float(value) if value is not None else None


def parse_dates(raw: pd.Series) -> pd.Series:
    """Dates in ISO, dotted day-first (01.03.2024), slashed month-first or Excel serials."""
    raw = raw.astype(str).str.strip()
    result = pd.to_datetime(raw.where(raw.str.match(r"^\d{4}-\d{1,2}-\d{1,2}")), errors="coerce",
                            format="mixed")
    dotted = raw.str.match(r"^\d{1,2}\.\d{1,2}\.\d{2,4}")
    result = result.fillna(pd.to_datetime(raw.where(dotted), errors="coerce", dayfirst=True, format="mixed"))
    slashed = raw.str.match(r"^\d{1,2}/\d{1,2}/\d{2,4}")
    result = result.fillna(pd.to_datetime(raw.where(slashed), errors="coerce", dayfirst=False, format="mixed"))
    serial = pd.to_numeric(raw.where(raw.str.fullmatch(r"\d{5}(\.\d+)?")), errors="coerce")
    result = result.fillna(pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce"))
    rest = result.isna() & (raw != "")
    if rest.any():
        result = result.fillna(pd.to_datetime(raw.where(rest), errors="coerce", format="mixed"))
    return result
