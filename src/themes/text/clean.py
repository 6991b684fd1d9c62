"""Text normalisation for analysis. The original text is always kept next to the cleaned one."""

from __future__ import annotations

import html
import re

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w+")
_TAG = re.compile(r"<[^>]{1,200}>")
_MARKDOWN = re.compile(r"(\*\*|__|`{1,3}|^#{1,6}\s+|^\s*[-*+]\s+|\[([^\]]*)\]\([^)]*\))", re.MULTILINE)
_SPACE = re.compile(r"[ \t\u00a0\u200b]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def clean_text(text: str, *, urls: bool = True, mentions: bool = True, markup: bool = True,
               max_chars: int = 5000) -> str:
    """Remove URLs, @handles, HTML/Markdown markup and extra whitespace; cap the length.

    Line breaks are kept (as single newlines) because they often separate points.
    """
    if markup:
        text = html.unescape(_TAG.sub(" ", text))
        text = _MARKDOWN.sub(lambda m: m.group(2) or " ", text)
    if urls:
        text = _URL.sub(" ", text)
    if mentions:
        text = _MENTION.sub(" ", text)
    text = _SPACE.sub(" ", text)
    text = _NEWLINES.sub("\n", text).strip()
    return text[:max_chars]


def letter_count(text: str) -> int:
    return len(_LETTER.findall(text))
