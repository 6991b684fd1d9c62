"""discover: comment_vectors and mention_vectors (+ language) -> comments.primary_theme /
primary_subtheme / similarity, mentions.theme_id / subtheme_id / similarity, and the theme model.

Themes follow topics, not tone: the direction of the comment vectors that follows their
sentiment (scored by the ``tone`` head, the shipped sentiment head of this embedding space) is
removed before clustering; and the base codeframe's aspects (``aspects``: models/aspects, a path
to your own, or null) name and merge the fine clusters (theme_model.py says how).

Themes are discovered on whole comments and every mention (clause) is then assigned to its
nearest theme. Fitting on clauses instead finds tone, not topics: short fragments such as
"Thanks!" or "Really?" form the largest clusters (NMI against the airline complaint reasons
0.05-0.07 on clauses vs 0.20 on comments, benchmarks/airline_themes.py). A comment's primary
theme is its own nearest theme; the clauses add the other themes it mentions. Rows that fit
no theme go to ``other`` (at most ``max_other_share`` of the mentions the model is fitted with).
Applies the model in options.theme_model instead of fitting one (``themes apply``).
"""

from __future__ import annotations

import numpy as np

from ..analysis.aspects import Anchors, embed_anchors, load_aspects
from ..analysis.sentiment import load_head
from ..analysis.theme_model import OTHER, ThemeModel, ward_cuts
from ..embedding.encode import embed_texts
from ..engine.blocks import shared_values
from ..errors import ThemesError
from ..text.lemmas import content_terms
from .base import Stage, State, register


@register
class Discover(Stage):
    name = "discover"
    reads = ("comment_vectors", "mention_vectors", "comments.language", "mentions.language")
    writes = ("comments.primary_theme", "comments.primary_subtheme", "comments.similarity", "mentions.theme_id",
              "mentions.subtheme_id", "mentions.similarity", "theme_model")
    splits = True
    reads_vectors = True

    def __init__(self, min_themes: int = 5, max_themes: int = 12, n_themes: int | None = None,
                 min_theme_share: float = 0.02, min_theme_size: int = 10, center: str = "language",
                 sample_size: int = 20000, reduce_dims: int | None = 128, refine_iter: int = 10,
                 max_subthemes: int = 6,
                 min_subtheme_share: float = 0.1, other_fence: float = 1.5, max_other_share: float = 0.1,
                 aspects: str | None = "aspects", anchor_z: float = 2.5, tone: str | None = "sentiment-e5-small"):
        self.params = dict(min_themes=min_themes, max_themes=max_themes, n_themes=n_themes,
                           min_theme_share=min_theme_share, min_theme_size=min_theme_size, center=center,
                           sample_size=sample_size, reduce_dims=reduce_dims, refine_iter=refine_iter,
                           max_subthemes=max_subthemes,
                           min_subtheme_share=min_subtheme_share, other_fence=other_fence, anchor_z=anchor_z)
        self.max_other_share = max_other_share
        self.aspects = aspects
        self.tone = tone

    def anchors(self, spec) -> Anchors | None:
        """The aspects' anchors in this run's embedding space (None without aspects or a model)."""
        if not self.aspect_list or spec is None:
            return None
        return embed_anchors(self.aspect_list, lambda texts: embed_texts(texts, spec)[0])

    def tone_of(self, comment_vectors, texts=None) -> np.ndarray | None:
        """The comments' sentiment scores by the tone head (None without one); ``texts``: the
        cleaned comments, for a head that reads them."""
        if self.tone_head is None:
            return None
        return self.tone_head.score(comment_vectors, texts=texts if self.tone_head.reads_text else None)[0]

    def prepare(self, state: State) -> None:
        model, spec = state.options.theme_model, state.embedding
        fitting = model is None  # a saved model applied needs neither the aspects nor the tone
        self.aspect_list = load_aspects(self.aspects) if self.aspects and fitting else []
        # the pipeline's head, or the run's own (--sentiment-model: a head of the run's embedding
        # model; options.configure sets it here)
        tone = self.tone if fitting else None
        self.tone_head = load_head(tone) if tone else None
        trained_on = self.tone_head.info.get("embedding_fingerprint") if self.tone_head else None
        if trained_on and spec is not None and trained_on != spec.heads_fit:
            raise ThemesError(f"the sentiment head '{tone}' (which discover also reads) was trained on embeddings "
                              f"of '{self.tone_head.info.get('embedding_model')}', not of '{spec.name}': train one "
                              "for this model with `themes train-sentiment ... --model <it>` and pass "
                              "--sentiment-model DIR")
        fitted_on = model.embedding_ if model is not None else None
        if fitted_on and spec is not None and fitted_on.get("space") not in (None, spec.heads_fit):
            raise ThemesError(f"the theme model was fitted on '{fitted_on.get('model')}' embeddings, not on "
                              f"'{spec.name}': apply it with the pipeline or --model it was saved with")

    def run(self, state: State) -> None:
        model = state.options.theme_model
        if model is None:
            model = self.fit(state.comment_vectors, shared_values(state.comments["language"]), state.options.seed,
                             state.embedding, state.clean_texts())
            self.cap(model, model.assign(state.mention_vectors, shared_values(state.mentions["language"])).similarity)
        self.assign(state, model)
        self.finish(state, model)

    # The parts of run, in order; the dask engine calls them where the data lives (fit and
    # finish on the driver, assign on the workers' partitions).
    def fit(self, comment_vectors: np.ndarray, languages: np.ndarray, seed: int, spec=None,
            texts=None) -> ThemeModel:
        """The theme model fitted on the comments (``spec``: the embedding model, for the aspects'
        anchors; ``texts``: the cleaned comments, for a tone head that reads them)."""
        params = dict(self.params, seed=seed)
        return ThemeModel(**params).fit(comment_vectors, languages, tone=self.tone_of(comment_vectors, texts),
                                        anchors=self.anchors(spec))

    def cap(self, model: ThemeModel, mention_similarity: np.ndarray) -> None:
        """At most max_other_share of the mentions in ``other``: the fitted floor, lowered if needed."""
        model.cap_other(mention_similarity, self.max_other_share)

    @staticmethod
    def assign(state: State, model: ThemeModel) -> None:
        c, m = state.comments, state.mentions
        for table, vectors, theme_col, sub_col in ((m, state.mention_vectors, "theme_id", "subtheme_id"),
                                                   (c, state.comment_vectors, "primary_theme", "primary_subtheme")):
            found = model.assign(vectors, shared_values(table["language"]))
            table[theme_col] = found.theme_id
            table[sub_col] = found.subtheme_id
            table["similarity"] = found.similarity

    def finish(self, state: State, model: ThemeModel) -> None:
        m = state.mentions
        state.theme_model = model
        if state.options.theme_model is not None:
            self._candidates(state, model)
        state.summary["theme_selection"] = {
            "n_themes": model.n_themes_, "n_subthemes": len(model.sub_ids_), "fitted_on": "comments",
            "other": {"mentions": int((m["theme_id"] == OTHER).sum()),
                      "share": round(float((m["theme_id"] == OTHER).mean()), 4),
                      "similarity_floor": round(float(model.other_floor_), 4),
                      "rule": f"best similarity below Q1 - {model.other_fence} x IQR of the fitted comments' "
                              f"(an outlier), lowered so that at most {self.max_other_share:.0%} of the mentions "
                              "are other"},
            "rule": f"largest k in [{model.min_themes}, {model.max_themes}] whose smallest theme holds "
                    f">= {model.min_theme_share:.0%} of comments and >= {model.min_theme_size} comments"
                    if not model.n_themes else "fixed",
            "smallest_theme_share_by_k": {str(k): round(v, 4) for k, v in model.selection_.items()},
            "tone_removed": getattr(model, "tone_axis_", None) is not None,
            "aspects": {"themes": dict(getattr(model, "aspects_", {})),
                        "rule": "similarities of each cluster's centre to the aspects' anchors, less each "
                                "anchor's mean over the clusters, as z-scores across the aspects: a cluster "
                                f"is about an aspect at z >= {model.anchor_z}, and one about none joins the "
                                f"nearest aspect another cluster is about at z >= {model.anchor_z / 2}; "
                                "clusters of one aspect are one theme, and its sub-themes"},
        }

    @staticmethod
    def _candidates(state: State, model: ThemeModel, min_size: int = 10) -> None:
        """Applying a saved model: comments that fit no theme as well as 95% of the comments it
        was fitted on did (``new_material``; ``other`` ones among them) are grouped into
        candidate new themes (``candidate_groups``)."""
        floor = model.fit_floor_
        c = state.comments
        low = np.flatnonzero(c["similarity"].to_numpy() < floor) if floor is not None else np.array([], int)
        languages = shared_values(c["language"])
        groups = candidate_groups(state, low, model.space(state.comment_vectors[low], languages[low]),
                                  min_size=min_size, sample_size=model.sample_size, reduce=model.reduce)
        c["new_material"] = False
        c.loc[c.index[low], "new_material"] = True
        state.summary["candidates"] = {"fit_floor": floor, "comments_below": len(low), "groups": groups}


def candidate_groups(state: State, rows: np.ndarray, Z: np.ndarray, *, min_size: int = 10,
                     sample_size: int = 20000, reduce=None) -> list[dict]:
    """The comments ``rows`` (their vectors ``Z``, in the space they were judged in) grouped into
    at most five candidate new themes or codes: Ward on a seeded sample of at most ``sample_size``
    (``reduce``: onto fewer dimensions first), the rest to the nearest group; groups of fewer than
    ``min_size`` comments left out; each with its count, keywords and example ids, largest first."""
    from collections import Counter

    if len(rows) < min_size:
        return []
    c = state.comments
    languages = shared_values(c["language"])
    k = int(min(5, max(1, len(rows) // (2 * min_size))))
    rng = np.random.default_rng(state.options.seed)
    pick = np.sort(rng.choice(len(rows), sample_size, replace=False)) if len(rows) > sample_size \
        else np.arange(len(rows))
    points = reduce(Z[pick]) if reduce else np.asarray(Z[pick], np.float64)
    picked = ward_cuts(points, [k])[0][k]
    centres = np.stack([Z[pick][picked == g].mean(axis=0) for g in np.unique(picked)])
    labels = (Z @ centres.T).argmax(axis=1)
    groups = []
    for g in sorted(set(labels)):
        members = rows[labels == g]
        if len(members) < min_size:
            continue
        words = Counter(w for text, lang in zip(state.clean_texts().take(members), languages[members])
                        for w, _ in set(content_terms(text, lang)))
        groups.append({"comments": len(members), "keywords": [w for w, _ in words.most_common(8)],
                       "example_ids": [str(c["id"].iat[i]) for i in members[:5]]})
    return sorted(groups, key=lambda g: -g["comments"])
