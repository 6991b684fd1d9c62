"""split: comments -> mentions (one row per clause: comment, id, span, language, order)."""

from __future__ import annotations

import pandas as pd

from ..text.split import split_clauses
from .base import Stage, State, register


@register
class Split(Stage):
    name = "split"

    def __init__(self, min_letters: int = 3, max_clauses: int = 8):
        self.min_letters = min_letters
        self.max_clauses = max_clauses

    def run(self, state: State) -> None:
        c = state.comments
        rows = []
        for idx, (cid, text, lang) in enumerate(zip(c["id"], c["clean_text"], c["language"])):
            clauses = split_clauses(text, min_letters=self.min_letters, max_clauses=self.max_clauses)
            for order, span in enumerate(clauses or [text]):
                rows.append((idx, cid, order, span, lang))
        state.mentions = pd.DataFrame(rows, columns=["comment", "id", "order", "span", "language"])
