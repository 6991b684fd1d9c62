"""code: comment_vectors and mention_vectors -> comments.primary_theme / primary_subtheme /
similarity and mentions.theme_id / subtheme_id / similarity, from the run's codebook
(options.codebook, a ``themes.coding.Codebook``) instead of discovered themes: the `coding`
pipeline's stage in place of discover.

Top-level codes stand where themes stand and the codes under them where sub-themes do, so the
label, sentiment, flags and impact stages, the tables and the report work on codes unchanged. A
comment's primary code is its own most probable one; each clause is coded on its own (a comment
may carry several codes, each with the clause that says it) when it fits some code and its most
probable code is at least ``min_confidence`` likely. What fits no code is ``other`` ("uncoded").
With a human-coded sample (options.coded: comment id -> code ids) the model learns from it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..analysis.theme_model import OTHER
from ..coding.code_model import CodeModel
from ..coding.codebook import Codebook, codebook_yaml
from ..embedding.encode import embed_texts
from ..engine.blocks import shared_values
from ..errors import ThemesError
from ..text.language import detect_languages
from .base import Stage, State, register
from .discover import candidate_groups


class CodedThemes:
    """The codebook seen as a theme model: what the label stage and the outputs read (top-level
    code ids, sub-code ids with their parent's row, names), and the fitted code model."""
    def __init__(self, codebook: Codebook, model: CodeModel):
        self.codebook, self.model = codebook, model
        self.theme_ids_ = [c.id for c in codebook.codes if not c.parent]
        rows = {t: i for i, t in enumerate(self.theme_ids_)}
        self.sub_ids_ = [c for c in model.code_ids_ if codebook.by_id[c].parent]
        self.sub_parent_ = np.asarray([rows[codebook.top(c)] for c in self.sub_ids_], dtype=np.int64)

    def theme_name(self, theme_id: str, language: str) -> str | None:
        code = self.codebook.by_id.get(theme_id)
        return code.name if code else None

    def save(self, folder):
        folder = self.model.save(folder)
        (Path(folder) / "codebook.yaml").write_text(codebook_yaml(self.codebook), encoding="utf-8")
        return folder


def anchor_texts(codebook: Codebook, code_ids: list[str], spec) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """What says what each code means, embedded: its name, its description, the two together and
    each of its examples; with each text's code (index in ``code_ids``) and language."""
    texts, owner = [], []
    for j, code_id in enumerate(code_ids):
        code = codebook.by_id[code_id]
        for text in dict.fromkeys((code.name, code.description, code.text, *code.examples)):
            if not text:
                continue
            texts.append(text)
            owner.append(j)
    return np.asarray(embed_texts(texts, spec)[0], np.float32), np.asarray(owner), detect_languages(texts)


@register
class Code(Stage):
    name = "code"
    reads = ("comment_vectors", "mention_vectors", "comments.language", "mentions.language")
    writes = ("comments.primary_theme", "comments.primary_subtheme", "comments.similarity",
              "comments.code_confidence", "mentions.theme_id", "mentions.subtheme_id", "mentions.similarity",
              "theme_model")
    reads_vectors = True

    def __init__(self, self_train_share: float = 0.2, C: float = 0.1, coded_weight: float = 20.0,
                 fence: float = 1.5, min_confidence: float = 0.0):
        self.params = dict(self_train_share=self_train_share, C=C, coded_weight=coded_weight, fence=fence)
        self.min_confidence = min_confidence

    def prepare(self, state: State) -> None:
        if not isinstance(state.options.codebook, Codebook):
            raise ThemesError("the code stage needs a codebook: themes code EXPORT --codebook FILE")

    def run(self, state: State) -> None:
        codebook: Codebook = state.options.codebook
        # the codes a comment is coded with: those with no code under them (a parent collects its children's)
        leaves = [c.id for c in codebook.codes if not codebook.children(c.id)]
        model = state.options.theme_model  # a saved code model applied: the same coding as before
        if isinstance(model, CodeModel):
            if model.code_ids_ != leaves:
                raise ThemesError(f"the saved code model codes with {', '.join(model.code_ids_)}, not with this "
                                  f"codebook's {', '.join(leaves)}")
        else:
            vectors, owner, anchor_languages = anchor_texts(codebook, leaves, state.embedding)
            coded = self._coded_sample(state, codebook, leaves)
            model = CodeModel(**self.params).fit(state.comment_vectors, coded, anchor_vectors=vectors,
                                                 anchor_codes=owner, code_ids=leaves,
                                                 languages=shared_values(state.comments["language"]),
                                                 anchor_languages=anchor_languages)
        for table, vectors, theme_col, sub_col, least in (
                (state.comments, state.comment_vectors, "primary_theme", "primary_subtheme", 0.0),
                (state.mentions, state.mention_vectors, "theme_id", "subtheme_id", self.min_confidence)):
            langs = shared_values(table["language"])
            proba, fits = model.code(vectors, langs)
            best, confidence = proba.argmax(axis=1), proba.max(axis=1)
            keep = fits & (confidence >= least)
            leaf = np.asarray(leaves, dtype=object)[best]
            top = np.asarray([codebook.top(c) for c in leaves], dtype=object)[best]
            table[theme_col] = np.where(keep, top, OTHER)
            table[sub_col] = np.where(keep & (leaf != top), leaf, "")
            table["similarity"] = confidence.round(4)
        state.comments["code_confidence"] = state.comments["similarity"]  # carried into comments.csv
        uncoded = np.flatnonzero((state.comments["primary_theme"] == OTHER).to_numpy())
        languages = shared_values(state.comments["language"])
        candidates = candidate_groups(state, uncoded, model.space(state.comment_vectors[uncoded], languages[uncoded]))
        state.theme_model = CodedThemes(codebook, model)
        state.summary["coding"] = {
            "codes": len(codebook.codes), "coded_with": leaves, "taught": model.n_taught_,
            "uncoded_comments": len(uncoded), "candidates": candidates,
            "rule": "a multinomial logistic regression on the embeddings, taught by the rows nearest each "
                    f"code's anchor by the widest margin ({self.params['self_train_share']:.0%} of each code's)"
                    + (" and the human-coded sample" if model.n_taught_["coded_by_hand"] else "")
                    + f"; a row below Q1 - {model.fence} x IQR of the fitted rows' best anchor similarity is "
                      f"uncoded, and a clause is coded when its code is at least {self.min_confidence:.0%} likely"}

    @staticmethod
    def _coded_sample(state: State, codebook: Codebook, leaves: list[str]) -> np.ndarray | None:
        """Per comment, the index of its hand-coded code (by id or name, any case), -1 if none."""
        given = state.options.coded
        if not given:
            return None
        lookup = {}
        for j, code_id in enumerate(leaves):
            lookup[code_id.lower()] = j
            lookup[codebook.by_id[code_id].name.lower()] = j
        unknown = sorted({c for codes in given.values() for c in codes if c.lower() not in lookup})
        if unknown:
            raise ThemesError(f"the coded sample uses codes that are not in the codebook: {', '.join(unknown[:10])}")
        out = np.full(len(state.comments), -1, np.int64)
        ids = state.comments["id"].astype(str).to_numpy()
        for i, comment_id in enumerate(ids):
            codes = given.get(comment_id)
            if codes:
                out[i] = lookup[sorted(codes)[0].lower()]
        if (out >= 0).sum() == 0:
            raise ThemesError("no id of the coded sample is in the export (its ids must be the export's)")
        return out
