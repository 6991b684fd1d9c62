"""discover: comment_vectors and mention_vectors (+ language) -> comments.primary_theme,
mentions.theme_id / mentions.similarity, and the theme model.

Themes are discovered on whole comments and every mention (clause) is then assigned to its
nearest theme. Fitting on clauses instead finds tone, not topics: short fragments such as
"Thanks!" or "Really?" form the largest clusters (NMI against the airline complaint reasons
0.05-0.07 on clauses vs 0.20 on comments, benchmarks/airline_themes.py). A comment's primary
theme is its own nearest theme; the clauses add the other themes it mentions.
Applies the model in options["theme_model"] instead of fitting one (``themes apply``).
"""

from __future__ import annotations

import numpy as np

from ..theme_model import ThemeModel
from .base import Stage, State, register


@register
class Discover(Stage):
    name = "discover"

    def __init__(self, min_themes: int = 5, max_themes: int = 12, n_themes: int | None = None,
                 min_theme_share: float = 0.02, min_theme_size: int = 10, center: str = "language",
                 sample_size: int = 5000, refine_iter: int = 10):
        self.params = dict(min_themes=min_themes, max_themes=max_themes, n_themes=n_themes,
                           min_theme_share=min_theme_share, min_theme_size=min_theme_size, center=center,
                           sample_size=sample_size, refine_iter=refine_iter)

    def run(self, state: State) -> None:
        c, m = state.comments, state.mentions
        model = state.options.get("theme_model")
        if model is None:
            params = dict(self.params, seed=state.options.get("seed", 42))
            if state.options.get("n_themes"):
                params["n_themes"] = state.options["n_themes"]
            model = ThemeModel(**params).fit(state.comment_vectors, c["language"].to_numpy())
        ids = np.array(model.theme_ids_)
        for table, vectors, column in ((m, state.mention_vectors, "theme_id"),
                                       (c, state.comment_vectors, "primary_theme")):
            sims = model.transform(vectors, table["language"].to_numpy())
            best = sims.argmax(axis=1)
            table[column] = ids[best]
            table["similarity"] = sims[np.arange(len(best)), best]
        state.theme_model = model
        state.summary["theme_selection"] = {
            "n_themes": model.n_themes_, "fitted_on": "comments",
            "rule": f"largest k in [{model.min_themes}, {model.max_themes}] whose smallest theme holds "
                    f">= {model.min_theme_share:.0%} of comments and >= {model.min_theme_size} comments"
                    if not model.n_themes else "fixed",
            "smallest_theme_share_by_k": {str(k): round(v, 4) for k, v in model.selection_.items()},
        }
