"""language: comments.clean_text (+ lang_hint) -> comments.language.

A language column in the export (``--lang``) wins where it holds a value; content-free
comments fall back to ``--default-language`` when given, else stay ``unknown``.
"""

from __future__ import annotations

from ..text.language import DEFAULT_LANGUAGES, UNKNOWN, detect_languages
from .base import Stage, State, register


@register
class Language(Stage):
    name = "language"

    def __init__(self, backend: str = "py3langid", languages: list[str] | tuple[str, ...] = DEFAULT_LANGUAGES,
                 min_letters: int = 3, min_confidence: float = 0.5, confident_letters: int = 40):
        self.backend = backend
        self.languages = tuple(languages)
        self.min_letters = min_letters
        self.min_confidence = min_confidence
        self.confident_letters = confident_letters

    def run(self, state: State) -> None:
        c = state.comments
        detected = detect_languages(c["clean_text"], backend=self.backend, languages=self.languages,
                                    min_letters=self.min_letters, min_confidence=self.min_confidence,
                                    confident_letters=self.confident_letters)
        hint = c["lang_hint"].astype(str).str.strip().str.lower().str[:2] if "lang_hint" in c else None
        default = state.options.get("default_language") or UNKNOWN
        out = []
        for i, lang in enumerate(detected):
            if hint is not None and hint.iloc[i] not in ("", "na", "no"):
                out.append(hint.iloc[i])
            else:
                out.append(lang if lang != UNKNOWN else default)
        c["language"] = out
