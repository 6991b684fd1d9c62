"""label: mentions (span, language, theme_id, similarity) -> themes (theme_id, parent_id, label,
keywords, keywords_by_language, examples)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import label_themes
from ..privacy import mask_pii
from .base import Stage, State, register


@register
class Label(Stage):
    name = "label"

    def __init__(self, n_keywords: int = 10, n_examples: int = 3, label_words: int = 3,
                 example_chars: int = 160):
        self.n_keywords = n_keywords
        self.n_examples = n_examples
        self.label_words = label_words
        self.example_chars = example_chars

    def run(self, state: State) -> None:
        m = state.mentions
        ids = list(dict.fromkeys(state.theme_model.theme_ids_))  # merged themes share an id
        theme_of = m["theme_id"].map({t: i for i, t in enumerate(ids)}).to_numpy()
        mask = state.options.get("mask", True)
        labels = label_themes(m["span"].tolist(), m["language"].tolist(), theme_of, m["similarity"].to_numpy(),
                              len(ids), n_keywords=self.n_keywords, n_examples=self.n_examples,
                              label_language=state.options.get("label_language", "en"),
                              label_words=self.label_words, mask=mask)

        def quote(idx: int) -> str:
            text = m["span"].iat[idx]
            text = mask_pii(text) if mask else text
            return text if len(text) <= self.example_chars else text[: self.example_chars - 1] + "…"

        given = state.options.get("theme_labels") or {}  # a codeframe's labels win over computed ones
        state.themes = pd.DataFrame({
            "theme_id": ids,
            "parent_id": "",
            "label": [given.get(t, lab.label) for t, lab in zip(ids, labels)],
            "keywords": ["; ".join(lab.keywords) for lab in labels],
            "keywords_by_language": [" | ".join(f"{lang}: {', '.join(k[:5])}"
                                                for lang, k in lab.keywords_by_language.items())
                                     for lab in labels],
            "examples": [" | ".join(quote(i) for i in lab.examples) for lab in labels],
            "example_ids": [";".join(str(m["id"].iat[i]) for i in lab.examples) for lab in labels],
            "n_mentions": np.bincount(theme_of, minlength=len(ids)),
        })
