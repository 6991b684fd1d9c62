"""impact: comments (nps_group, sentiment) + mentions (theme_id) -> per-theme figures in
themes (n_comments, share, sentiment, nps_with, nps_without, impact, impact_low, impact_high,
rank), comments.themes, and the overall NPS in the summary."""

from __future__ import annotations

import numpy as np

from .. import metrics
from ..impact import sentiment_impact, theme_impact
from .base import Stage, State, register


@register
class Impact(Stage):
    name = "impact"

    def __init__(self, bootstrap: int = 1000, level: float = 0.95):
        self.bootstrap = bootstrap
        self.level = level

    def run(self, state: State) -> None:
        c, m, themes = state.comments, state.mentions, state.themes
        ids = themes["theme_id"].tolist()
        col = {t: i for i, t in enumerate(ids)}
        n = len(c)
        # a comment mentions its primary theme and the theme of each of its clauses
        member = np.zeros((n, len(ids)), dtype=bool)
        member[m["comment"].to_numpy(), m["theme_id"].map(col).to_numpy()] = True
        member[np.arange(n), c["primary_theme"].map(col).to_numpy()] = True
        seed = state.options.get("seed", 42)
        # the comment's themes: the primary one first, then the others in the order mentioned
        first = m.groupby(["comment", "theme_id"], sort=False)["order"].min().reset_index()
        others = first.sort_values(["comment", "order"]).groupby("comment")["theme_id"].agg(list)
        c["themes"] = [";".join(dict.fromkeys([p, *others.get(i, [])])) for i, p in enumerate(c["primary_theme"])]

        values = metrics.nps_values(c["nps_group"])
        has_scores = bool((~np.isnan(values)).any())
        if has_scores:
            result = theme_impact(values, member, n_boot=self.bootstrap, seed=seed, level=self.level)
            low, high = metrics.bootstrap_nps_interval(values, n_boot=2000, seed=seed, level=self.level)
            state.summary["nps"] = {
                "value": round(metrics.nps(values), 2), "low": round(low, 2), "high": round(high, 2),
                "level": self.level, "responses": int((~np.isnan(values)).sum()),
                "method": "percentile bootstrap over respondents (multinomial on group counts), "
                          f"2000 draws, seed {seed}",
            }
        else:
            result = sentiment_impact(c["sentiment"].to_numpy(), member, n_boot=self.bootstrap, seed=seed,
                                      level=self.level)
            state.summary["nps"] = None
        state.summary["impact"] = {
            "basis": result.basis,
            "definition": ("NPS(all) - NPS(all without the comments that mention the theme); "
                           "negative = the theme lowers NPS") if has_scores else
                          ("no score column: 100 x share x mean sentiment of the theme's comments; "
                           "negative = frequent and negative"),
            "interval": f"{int(self.level * 100)}% percentile bootstrap, {self.bootstrap} draws, seed {seed}",
        }

        n_comments = member.sum(axis=0)
        mention_sent = m.groupby("theme_id")["sentiment"].mean().reindex(ids)
        themes["n_comments"] = n_comments
        themes["share"] = np.round(n_comments / max(n, 1), 4)
        themes["sentiment"] = mention_sent.round(3).to_numpy()
        themes["nps_with"] = np.round(result.with_value, 2)
        themes["nps_without"] = np.round(result.without_value, 2)
        themes["impact"] = np.round(result.impact, 2)
        themes["impact_low"] = np.round(result.low, 2)
        themes["impact_high"] = np.round(result.high, 2)
        themes["crosses_zero"] = (result.low <= 0) & (result.high >= 0)
        order = np.argsort(np.where(np.isnan(result.impact), np.inf, result.impact), kind="stable")
        rank = np.empty(len(ids), int)
        rank[order] = np.arange(1, len(ids) + 1)
        themes["rank"] = rank
        state.themes = themes.sort_values("rank").reset_index(drop=True)
