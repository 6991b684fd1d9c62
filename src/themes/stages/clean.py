"""clean: comments.text -> comments.clean_text (URLs, @handles, markup, whitespace)."""

from __future__ import annotations

from ..text.clean import clean_text
from .base import Stage, State, register


@register
class Clean(Stage):
    name = "clean"

    def __init__(self, urls: bool = True, mentions: bool = True, markup: bool = True, max_chars: int = 5000):
        self.settings = dict(urls=urls, mentions=mentions, markup=markup, max_chars=max_chars)

    def run(self, state: State) -> None:
        state.comments["clean_text"] = [clean_text(t, **self.settings) for t in state.comments["text"]]
