"""split: comments -> mentions (one row per clause: comment, id, span, language, order)."""

from __future__ import annotations

from array import array

import numpy as np
import pandas as pd

from ..text.split import split_clauses
from .base import Stage, State, register


@register
class Split(Stage):
    name = "split"
    reads_clean_text = True

    def __init__(self, min_letters: int = 3, max_clauses: int = 8):
        self.min_letters = min_letters
        self.max_clauses = max_clauses

    def run(self, state: State) -> None:
        c = state.comments
        # a column at a time, not a tuple per clause: with the tuples and the object matrix pandas
        # makes of them, the stage peaked 1.7 GB above its start at three million clauses
        comment, order, spans = array("q"), array("q"), []
        for idx, text in enumerate(c["clean_text"].tolist()):
            clauses = split_clauses(text, min_letters=self.min_letters, max_clauses=self.max_clauses) or [text]
            spans.extend(clauses)
            comment.extend([idx] * len(clauses))
            order.extend(range(len(clauses)))
        of = np.frombuffer(comment, np.int64) if len(comment) else np.zeros(0, np.int64)
        span = np.empty(len(spans), dtype=object)
        span[:] = spans
        state.mentions = pd.DataFrame({
            "comment": of.copy(), "id": c["id"].to_numpy(dtype=object)[of],
            "order": np.frombuffer(order, np.int64).copy() if len(order) else np.zeros(0, np.int64),
            "span": span, "language": c["language"].to_numpy(dtype=object)[of]})
