"""Text normalisation for analysis. The original text is always kept next to the cleaned one."""

from __future__ import annotations

import html
import re

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w+")
_TAG = re.compile(r"<[^>]{1,200}>")
_MARKDOWN = re.compile(r"(\*\*|__|`{1,3}|^#{1,6}\s+|^\s*[-*+]\s+|\[([^\]]*)\]\([^)]*\))", re.MULTILINE)
# runs of spaces, tabs, no-break and zero-width spaces become one space; a lone space is left alone
# (matching each one, only to put it back, was a third of the cleaning time)
_SPACE = re.compile(r"(?: [ \t\u00a0\u200b]|[\t\u00a0\u200b])[ \t\u00a0\u200b]*")
_NEWLINES = re.compile(r"\s*\n\s*")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

# what each rule needs to find anything, checked before it runs: most comments have no markup,
# URL or handle, and cleaning runs over every comment's text in more than one stage
_MARKDOWN_HINT = re.compile(r"[*_`#\[]|(?:^|\n)\s*[-+]\s")
_URL_HINT = re.compile(r"://|w\.", re.IGNORECASE)


def clean_text(text: str, *, urls: bool = True, mentions: bool = True, markup: bool = True,
               max_chars: int = 5000) -> str:
    """Remove URLs, @handles, HTML/Markdown markup and extra whitespace; cap the length.

    Line breaks are kept (as single newlines) because they often separate points.
    """
    if markup:
        if "<" in text:
            text = _TAG.sub(" ", text)
        text = html.unescape(text)
        if _MARKDOWN_HINT.search(text):
            text = _MARKDOWN.sub(lambda m: m.group(2) or " ", text)
    if urls and _URL_HINT.search(text):
        text = _URL.sub(" ", text)
    if mentions and "@" in text:
        text = _MENTION.sub(" ", text)
    text = _SPACE.sub(" ", text)
    if "\n" in text:
        text = _NEWLINES.sub("\n", text)
    return text.strip()[:max_chars]


def letter_count(text: str) -> int:
    return len(_LETTER.findall(text))
