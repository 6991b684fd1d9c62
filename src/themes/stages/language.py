"""language: the cleaned texts (+ lang_hint) -> comments.language.

A language column in the export (``--lang``) wins where it holds a value; content-free
comments fall back to ``--default-language`` when given, else stay ``unknown``.
"""

from __future__ import annotations

import numpy as np

from ..text.language import DEFAULT_LANGUAGES, UNKNOWN, detect_languages
from .base import Stage, State, register


@register
class Language(Stage):
    name = "language"
    reads = ("comments.text", "comments.lang_hint")
    writes = ("comments.language",)
    per_row = True

    def __init__(self, backend: str = "py3langid", languages: list[str] | tuple[str, ...] = DEFAULT_LANGUAGES,
                 min_letters: int = 3, min_confidence: float = 0.5, confident_letters: int = 40):
        self.backend = backend
        self.languages = tuple(languages)
        self.min_letters = min_letters
        self.min_confidence = min_confidence
        self.confident_letters = confident_letters

    def run(self, state: State) -> None:
        c = state.comments
        detected = detect_languages(state.clean_texts(), backend=self.backend, languages=self.languages,
                                    min_letters=self.min_letters, min_confidence=self.min_confidence,
                                    confident_letters=self.confident_letters)
        default = state.options.default_language or UNKNOWN
        out = np.asarray(detected, dtype=object)
        out[out == UNKNOWN] = default
        if "lang_hint" in c:
            hint = c["lang_hint"].astype(str).str.strip().str.lower().str[:2].to_numpy(dtype=object)
            given = ~np.isin(hint, ["", "na", "no"])  # "na": a missing value read as "nan"
            out[given] = hint[given]
        c["language"] = out
