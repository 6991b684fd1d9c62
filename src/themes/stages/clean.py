"""clean: the settings of cleaning comments.text (URLs, @handles, markup, whitespace) -> state.cleaner,
which every stage that reads the cleaned text applies through state.clean_texts()."""

from __future__ import annotations

from functools import partial

from ..text.clean import clean_text
from .base import Stage, State, register


@register
class Clean(Stage):
    name = "clean"
    reads = ("comments.text",)
    writes = ("cleaner",)
    per_row = True

    def __init__(self, urls: bool = True, mentions: bool = True, markup: bool = True, max_chars: int = 5000):
        self.settings = dict(urls=urls, mentions=mentions, markup=markup, max_chars=max_chars)

    def prepare(self, state: State) -> None:
        # the stages read the cleaned texts through state.clean_texts(), a block of rows at a time;
        # set here, so the driver of a Dask run (which prepares every stage) cleans as workers do
        state.cleaner = partial(clean_text, **self.settings)

    def run(self, state: State) -> None:
        self.prepare(state)  # the same, for a caller that runs the stage on its own
