"""label: mentions (span, language, theme_id, subtheme_id, similarity) -> themes (theme_id,
parent_id, label, keywords, keywords_by_language, examples, example_ids, n_mentions).

One row per theme, then one per sub-theme (``parent_id`` set), and an ``other`` row when some
mentions fit no theme. Keywords and quotes come from a seeded sample of at most ``sample_size``
mentions (every mention of a smaller export); ``n_mentions`` counts them all."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.labels import SpanTerms, label_themes, span_terms
from ..analysis.theme_model import OTHER
from ..engine.blocks import shared_values, take_rows
from ..privacy import mask_pii
from .base import Stage, State, register

OTHER_LABEL = "(other: fits no theme)"


@register
class Label(Stage):
    name = "label"
    reads = ("mentions.span", "mentions.language", "mentions.theme_id", "mentions.subtheme_id",
             "mentions.similarity", "theme_model")
    writes = ("themes",)

    def __init__(self, n_keywords: int = 10, n_examples: int = 3, label_words: int = 3,
                 example_chars: int = 160, sample_size: int | None = 200_000, min_sampled: int = 1000):
        self.n_keywords = n_keywords
        self.n_examples = n_examples
        self.label_words = label_words
        self.example_chars = example_chars
        # what a theme is about shows in a large sample of its mentions as well as in all, and
        # every mention's words were what made this stage's memory and time grow with the export;
        # each theme and sub-theme keeps at least min_sampled mentions (all, if it has fewer)
        self.sample_size = sample_size
        self.min_sampled = min_sampled

    def run(self, state: State) -> None:
        everything = state.mentions
        model = state.theme_model
        ids = list(dict.fromkeys(model.theme_ids_))  # merged themes share an id
        if (everything["theme_id"] == OTHER).any() or (state.comments["primary_theme"] == OTHER).any():
            ids.append(OTHER)
        sampled = sample_mentions(everything, self.sample_size, self.min_sampled, state.options.seed)
        m = everything if sampled is None else take_rows(everything, sampled)
        # each mention's words once: the sub-themes below label the same spans again
        terms = span_terms(m["span"].tolist(), m["language"].tolist(), state.options.mask)
        # no two themes or sub-themes share a name: a codeframe's names are reserved up front
        self.taken = {str(name).lower() for name in (state.options.theme_labels or {}).values()}
        top = self._rows(state, m, ids, m["theme_id"].to_numpy(), terms)
        top.loc[top["theme_id"] == OTHER, "label"] = OTHER_LABEL
        tables = [top]
        # sub-themes: labelled against their siblings, so the label says what sets each apart
        reported = np.asarray(model.theme_ids_, dtype=object)
        parent_of = {sub: reported[parent] for sub, parent in zip(model.sub_ids_, model.sub_parent_)}
        for parent in ids:
            subs = [sub for sub in dict.fromkeys(model.sub_ids_) if parent_of[sub] == parent]
            picked = ((m["theme_id"] == parent) & m["subtheme_id"].isin(subs)).to_numpy()
            rows = m[picked]
            if len(subs) < 2 or rows.empty:
                continue
            table = self._rows(state, rows, subs, rows["subtheme_id"].to_numpy(),
                               terms.take(np.flatnonzero(picked)))
            table["parent_id"] = parent
            tables.append(table)
        state.themes = pd.concat(tables, ignore_index=True)
        # counted over every mention (a sample's counts would understate every theme)
        counts = pd.concat([everything["theme_id"].value_counts(), everything["subtheme_id"].value_counts()])
        state.themes["n_mentions"] = state.themes["theme_id"].map(counts).fillna(0).astype(np.int64)
        state.summary["labels"] = {"mentions": len(everything), "sampled": len(m)}

    def _rows(self, state: State, m: pd.DataFrame, ids: list[str], assigned: np.ndarray,
              terms: SpanTerms) -> pd.DataFrame:
        """One row per id in ``ids``: label, keywords and central quotes of the mentions ``m``
        (``assigned`` holds each mention's id, ``terms`` its words)."""
        theme_of = pd.Series(assigned).map({t: i for i, t in enumerate(ids)}).to_numpy()
        mask = state.options.mask
        language = state.options.label_language
        # a codeframe's labels win over the base codeframe's aspect names, which win over computed ones
        given = state.options.theme_labels or {}
        model = state.theme_model
        fixed = [given.get(t) or (model.theme_name(t, language) if hasattr(model, "theme_name") else None)
                 for t in ids]
        labels = label_themes(m["span"].tolist(), m["language"].tolist(), theme_of, m["similarity"].to_numpy(),
                              len(ids), n_keywords=self.n_keywords, n_examples=self.n_examples,
                              label_language=language, label_words=self.label_words, mask=mask, terms=terms,
                              fixed=fixed, taken=self.taken)

        def quote(idx: int) -> str:
            text = m["span"].iat[idx]
            text = mask_pii(text) if mask else text
            return text if len(text) <= self.example_chars else text[: self.example_chars - 1] + "…"

        return pd.DataFrame({
            "theme_id": ids,
            "parent_id": "",
            "label": [lab.label for lab in labels],
            "keywords": ["; ".join(lab.keywords) for lab in labels],
            "keywords_by_language": [" | ".join(f"{lang}: {', '.join(k[:5])}"
                                                for lang, k in lab.keywords_by_language.items())
                                     for lab in labels],
            "examples": [" | ".join(quote(i) for i in lab.examples) for lab in labels],
            "example_ids": [";".join(str(m["id"].iat[i]) for i in lab.examples) for lab in labels],
        })


def sample_mentions(mentions: pd.DataFrame, size: int | None, floor: int, seed: int) -> np.ndarray | None:
    """Sorted positions of a seeded sample of about ``size`` mentions, the same share of every
    sub-theme (of the theme, for mentions without one) but at least ``floor`` of each (all of a
    smaller one); None when there are no more than ``size`` mentions."""
    n = len(mentions)
    if not size or n <= size:
        return None
    sub = shared_values(mentions["subtheme_id"])
    group = np.where(sub != "", sub, shared_values(mentions["theme_id"]))
    codes, _ = pd.factorize(group)
    sizes = np.bincount(codes)
    quota = np.minimum(sizes, np.maximum(np.round(sizes * size / n), floor)).astype(np.int64)
    order = np.lexsort((np.random.default_rng(seed).random(n), codes))  # by group, then at random
    rank = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)  # place within its group
    return np.sort(order[rank < quota[codes[order]]])
