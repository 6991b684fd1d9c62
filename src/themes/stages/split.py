"""split: comments -> mentions (one row per clause: comment, id, span, language, order)."""

from __future__ import annotations

from array import array

import numpy as np
import pandas as pd

from ..engine.blocks import shared_values
from ..text.split import split_clauses
from .base import Stage, State, register


@register
class Split(Stage):
    name = "split"
    reads = ("comments.text", "comments.language")
    writes = ("mentions.comment", "mentions.id", "mentions.order", "mentions.span", "mentions.language")
    per_row = True

    def __init__(self, min_letters: int = 3, max_clauses: int = 8, min_words: int = 2):
        self.min_letters = min_letters
        self.max_clauses = max_clauses
        self.min_words = min_words

    def run(self, state: State) -> None:
        c = state.comments
        # a block of comments at a time, each block's clauses a string column at once: one Python
        # list of every clause (and the object arrays made from it) was this stage's peak
        of, order, spans = [], [], []
        languages = shared_values(c["language"])
        for start, texts in state.clean_texts().blocks():
            comment, position, clauses = array("q"), array("q"), []
            for idx, (text, language) in enumerate(zip(texts, languages[start:start + len(texts)]), start=start):
                found = split_clauses(text, min_letters=self.min_letters, max_clauses=self.max_clauses,
                                      min_words=self.min_words, language=language) or [text]
                clauses.extend(found)
                comment.extend([idx] * len(found))
                position.extend(range(len(found)))
            of.append(np.array(comment, np.int64))
            order.append(np.array(position, np.int64))
            spans.append(pd.Series(clauses, dtype="str"))
        rows = np.concatenate(of)
        state.mentions = pd.DataFrame({
            "comment": rows, "id": c["id"].array.take(rows), "order": np.concatenate(order),
            "span": pd.concat(spans, ignore_index=True).array, "language": c["language"].array.take(rows)})
