"""impact: comments (score, nps_group, sentiment, date, segments) + mentions (theme_id) ->
the theme table's figures, comments.themes, and the segment and period tables.

Per theme: n_comments, share, sentiment, nps_with / nps_without (the metric of the theme's
comments and of the rest), the leave-one-out impact and the key-driver impact, each with a
bootstrap interval, the ranking impact (``rank_by``: the key driver by default, chosen in
benchmarks/impact_planted.py), a Benjamini-Hochberg q-value and ``significant``, the
priority quadrant, and how often top-group respondents complain about it / bottom-group
respondents praise it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import scales as metrics
from ..analysis.breakdown import change_decomposition, emerging_themes, period_labels, period_table, segment_table
from ..analysis.flags import FLAGS
from ..analysis.impact import driver_impact, sentiment_impact, theme_impact
from ..analysis.theme_model import OTHER
from ..engine.blocks import row_blocks, shared_values
from ..errors import ThemesError
from .base import Stage, State, register

PRIORITY_RULE = ("fix now: lowers the metric (q < 0.05) and at least the median share; monitor: lowers it, "
                 "less frequent; strengths: raises it (q < 0.05); noise: no significant impact; too broad: "
                 "in more than half of the comments, so it says how the export differs from itself, not "
                 "what to fix (not ranked among the others)")
BROAD_SHARE = 0.5


def _priority(impact: np.ndarray, significant: np.ndarray, share: np.ndarray) -> list[str]:
    frequent = share >= np.median(share) if len(share) else share
    out = []
    for imp, sig, freq, s in zip(impact, significant, frequent, share):
        if s > BROAD_SHARE:
            out.append("too broad")
        elif not sig or np.isnan(imp):
            out.append("noise")
        elif imp < 0:
            out.append("fix now" if freq else "monitor")
        else:
            out.append("strengths")
    return out


def _bound(result, bound: np.ndarray) -> None:
    """Clip a result's estimate and interval to +-bound: what the theme's comments could move the
    metric by at most (share x the metric's span), which a regression estimate can overshoot."""
    for name in ("impact", "low", "high"):
        setattr(result, name, np.clip(getattr(result, name), -bound, bound))


def _membership(n: int, primary: pd.Series, mention_comment: pd.Series, mention_theme: pd.Series,
                ids: list[str]) -> np.ndarray:
    """(n comments, len(ids)) booleans: a comment mentions its primary theme and the theme of
    each of its clauses (ids not in ``ids``, such as "" for no sub-theme, are ignored)."""
    col = {t: i for i, t in enumerate(ids)}
    member = np.zeros((n, len(ids)), dtype=bool)
    for comment, theme in ((mention_comment, mention_theme), (None, primary)):
        # a block of rows at a time, by the block's few distinct ids: the codes, rows and
        # positions of all mentions at once grow with the export
        for block in row_blocks(len(theme)):
            codes, found = pd.factorize(theme.iloc[block], use_na_sentinel=False)
            rows = np.array([col.get(t, -1) for t in found], np.int64)[codes] if len(found) else codes
            where = comment.iloc[block].to_numpy() if comment is not None else np.arange(block.start, block.stop)
            known = rows >= 0
            member[where[known], rows[known]] = True
    return member


def _in_mention_order(primary: pd.Series, m: pd.DataFrame, column: str) -> pd.Series:
    """Per comment, ";"-joined: its primary id first, then the ``column`` ids of its mentions in
    the order mentioned, each once ("" for none left out). One pass over the mentions sorted by
    comment and clause (a groupby into a list per comment costs a Python list per comment),
    made a block of comments at a time into a string column, the ids shared objects (not a
    Python string per mention)."""
    comment, order = m["comment"].to_numpy(), m["order"].to_numpy()
    by_comment = np.lexsort((order, comment))
    ids = shared_values(m[column])[by_comment]
    bounds = np.searchsorted(comment[by_comment], np.arange(len(primary) + 1))
    firsts = shared_values(primary)
    parts = []
    for block in row_blocks(len(primary)):
        out = []
        for first, start, end in zip(firsts[block].tolist(), bounds[block].tolist(),
                                     bounds[block.start + 1:block.stop + 1].tolist()):
            seen = dict.fromkeys([first, *ids[start:end]])
            seen.pop("", None)
            out.append(";".join(seen))
        parts.append(pd.Series(out, dtype="str"))
    return pd.concat(parts, ignore_index=True).set_axis(primary.index)


@register
class Impact(Stage):
    name = "impact"
    reads = ("comments.score", "comments.nps_group", "comments.sentiment", "comments.date", "comments.primary_theme",
             "mentions.theme_id", "mentions.subtheme_id", "themes")
    writes = ("themes", "comments.themes", "comments.subthemes", "comments.period", "theme_member", "tables")

    def __init__(self, bootstrap: int = 1000, level: float = 0.95, rank_by: str = "driver",
                 ridge_alpha: float = 1e-3, prior_comments: float = 10.0, period: str = "quarter",
                 min_segment_size: int = 30):
        if rank_by not in ("driver", "loo"):
            raise ThemesError(f"impact: rank_by must be 'driver' or 'loo', got '{rank_by}'")
        self.bootstrap = bootstrap
        self.level = level
        self.rank_by = rank_by
        self.ridge_alpha = ridge_alpha
        self.prior_comments = prior_comments
        self.period = period
        self.min_segment_size = min_segment_size

    def run(self, state: State) -> None:
        c, m, themes = state.comments, state.mentions, state.themes
        n = len(c)
        seed = state.options.seed
        scale: metrics.Scale = state.options.scale or metrics.NPS
        values = scale.values(c["score"].to_numpy(dtype=float))
        has_scores = bool(np.isfinite(values).any())
        state.summary["change"] = None  # what changed from the previous period: set below, with dates and scores

        level = themes["parent_id"].fillna("").to_numpy() == ""
        top, subs = themes[level].copy(), themes[~level].copy()
        ids = top["theme_id"].tolist()
        member = _membership(n, c["primary_theme"], m["comment"], m["theme_id"], ids)
        state.theme_member = pd.DataFrame(member, columns=ids)
        c["themes"] = _in_mention_order(c["primary_theme"], m, "theme_id")
        c["subthemes"] = _in_mention_order(c["primary_subtheme"], m, "subtheme_id")

        top = self._figures(state, top, member, values, has_scores, scale, "theme_id")
        if has_scores:
            low, high = metrics.bootstrap_interval(values, scale.factor, n_boot=2000, seed=seed, level=self.level)
            state.summary["nps"] = {
                "scale": scale.name, "label": scale.label, "unit": scale.unit, "value": round(scale.metric(values), 2),
                "low": round(low, 2), "high": round(high, 2), "level": self.level,
                "responses": int(np.isfinite(values).sum()),
                "method": "percentile bootstrap over respondents (multinomial on answer counts), "
                          f"2000 draws, seed {seed}",
            }
        else:
            state.summary["nps"] = None
        state.summary["impact"] = self._describe(has_scores, scale, seed)
        if len(subs):
            # sub-themes get their own key-driver model: together with their parents they would
            # be collinear (a parent is the union of its sub-themes)
            sub_member = _membership(n, c["primary_subtheme"], m["comment"], m["subtheme_id"],
                                     subs["theme_id"].tolist())
            subs = self._figures(state, subs, sub_member, values, has_scores, scale, "subtheme_id")

        segments = state.options.segments
        if segments and has_scores:
            state.tables["segments"] = segment_table(
                values, member, ids, c[segments], scale, min_size=self.min_segment_size,
                n_boot=min(self.bootstrap, 300), seed=seed, level=self.level, prior_comments=self.prior_comments)
        if "date" in c and c["date"].notna().any():
            labels = period_labels(c["date"], self.period)
            c["period"] = labels
            state.tables["periods"] = period_table(values, member, ids, labels, scale, seed=seed, level=self.level)
            emerging = emerging_themes(member, labels)
            top["share_latest_period"] = emerging["share_latest"].to_numpy()
            top["share_before"] = emerging["share_before"].to_numpy()
            top["emerging"] = emerging["emerging"].to_numpy()
            state.summary["periods"] = {"period": self.period, "latest": max(set(labels) - {""}, default=""),
                                        "emerging": [ids[i] for i in np.flatnonzero(emerging["emerging"])]}
            change = change_decomposition(values, member, ids, labels, n_boot=min(self.bootstrap, 500), seed=seed,
                                          level=self.level, factor=scale.factor) if has_scores else None
            if change:
                names = dict(zip(top["theme_id"], top["label"]))
                change["contributions"] = [{"theme_id": c["theme_id"], "label": names.get(c["theme_id"], c["theme_id"]),
                                            **{k: v for k, v in c.items() if k != "theme_id"}}
                                           for c in change["contributions"]]
                change["unit"] = scale.unit
                change["method"] = ("the key-driver regression of each period adds up to its metric (baseline "
                                    "+ sum of share x own effect); per theme, volume = share change x the earlier "
                                    "effect, score = the later share x effect change; residual: the baseline's "
                                    f"change; intervals: {int(self.level * 100)}% bootstrap within each period")
            state.summary["change"] = change
        state.themes = pd.concat([top.sort_values("rank"), subs.sort_values("rank") if len(subs) else subs],
                                 ignore_index=True)

    def _figures(self, state: State, themes: pd.DataFrame, member: np.ndarray, values: np.ndarray,
                 has_scores: bool, scale: metrics.Scale, mention_column: str) -> pd.DataFrame:
        """The figures of one level of themes (top level or sub-themes) from its membership matrix."""
        ids = themes["theme_id"].tolist()
        m = state.mentions
        kw = dict(n_boot=self.bootstrap, seed=state.options.seed, level=self.level)
        n_comments = member.sum(axis=0)
        share = n_comments / max(len(member), 1)
        themes["n_comments"] = n_comments
        themes["share"] = np.round(share, 4)
        themes["sentiment"] = m.groupby(mention_column)["sentiment"].mean().reindex(ids).round(3).to_numpy()
        for flag in (f for f in FLAGS if f in m):  # share of the theme's mentions with the flag
            themes[f"{flag}_share"] = m.groupby(mention_column)[flag].mean().reindex(ids).round(3).to_numpy()
        if has_scores:
            loo = theme_impact(values, member, factor=scale.factor, **kw)
            driver = driver_impact(values, member, factor=scale.factor, alpha=self.ridge_alpha,
                                   prior_comments=self.prior_comments, **kw)
            ranking = driver if self.rank_by == "driver" else loo
            themes["nps_with"] = np.round(loo.with_value, 2)
            themes["nps_without"] = np.round(loo.without_value, 2)
            themes["effect"] = np.round(driver.with_value, 2)
            for name, res in (("impact_loo", loo), ("impact_driver", driver)):
                _bound(res, share * scale.span)
                themes[name] = np.round(res.impact, 2)
                themes[f"{name}_low"] = np.round(res.low, 2)
                themes[f"{name}_high"] = np.round(res.high, 2)
        else:
            ranking = sentiment_impact(state.comments["sentiment"].to_numpy(), member, **kw)
            themes["nps_with"] = np.nan
            themes["nps_without"] = np.nan
        themes["impact"] = np.round(ranking.impact, 2)
        themes["impact_low"] = np.round(ranking.low, 2)
        themes["impact_high"] = np.round(ranking.high, 2)
        themes["crosses_zero"] = ~((ranking.low > 0) | (ranking.high < 0))
        q = ranking.q_value
        themes["q_value"] = np.round(q, 4)
        themes["significant"] = q < 0.05
        is_other = themes["theme_id"].to_numpy() == OTHER
        themes["priority"] = _priority(ranking.impact, themes["significant"].to_numpy(), share)
        themes.loc[is_other, "priority"] = OTHER  # what fits no theme is read, not fixed
        self._cross_groups(state, themes, ids, scale, mention_column)
        # ranked by impact, most harmful first; themes too broad to rank after them; other last
        broad = (share > BROAD_SHARE) & ~is_other
        order = np.lexsort((np.where(np.isnan(ranking.impact), np.inf, ranking.impact), broad, is_other))
        rank = np.empty(len(ids), int)
        rank[order] = np.arange(1, len(ids) + 1)
        themes["rank"] = rank
        return themes

    @staticmethod
    def _cross_groups(state: State, themes: pd.DataFrame, ids: list[str], scale: metrics.Scale,
                      mention_column: str) -> None:
        """Complaints among the most satisfied and praise among the least: per theme, the
        number of top-group respondents with a negative mention of it, and the reverse."""
        m = state.mentions[[mention_column, "comment", "sentiment_label"]]  # not a copy of every column
        group = shared_values(state.comments["nps_group"])[m["comment"].to_numpy()]
        top = m[(group == scale.top) & (m["sentiment_label"] == "negative")]
        bottom = m[(group == scale.bottom) & (m["sentiment_label"] == "positive")]
        for column, rows in (("negative_among_top", top), ("positive_among_bottom", bottom)):
            counts = rows.groupby(mention_column)["comment"].nunique().reindex(ids).fillna(0)
            themes[column] = counts.astype(int).to_numpy()

    def _describe(self, has_scores: bool, scale: metrics.Scale, seed: int) -> dict:
        interval = f"{int(self.level * 100)}% percentile bootstrap, {self.bootstrap} draws, seed {seed}"
        if not has_scores:
            return {"basis": "sentiment", "interval": interval, "priority": PRIORITY_RULE,
                    "definition": "no score column: 100 x share x (mean sentiment of the theme's comments - "
                                  "that of all comments); "
                                  "negative = frequent and more negative than the export"}
        return {
            "basis": self.rank_by, "scale": scale.name, "interval": interval, "priority": PRIORITY_RULE,
            "significance": "bootstrap p-value, Benjamini-Hochberg q < 0.05 across themes",
            "definition": {
                "loo": f"{scale.unit}: metric(all) - metric(all without the theme's comments)",
                "driver": f"{scale.unit}: share x own effect, the own effect from a ridge regression "
                          f"(alpha {self.ridge_alpha} per respondent) of each respondent's value on all themes; "
                          f"each effect shrinks toward 0 as if the theme had {self.prior_comments:g} more comments "
                          "of no effect (a theme of n comments keeps n / (n + "
                          f"{self.prior_comments:g}) of it: small themes' estimates are mostly noise)",
                "bound": f"no estimate or bound beyond +-{scale.span:g} x share {scale.unit}: the most the "
                         "theme's comments could move the metric",
            },
            "ranking": f"by the {'key-driver' if self.rank_by == 'driver' else 'leave-one-out'} impact "
                       "(the more faithful to planted effects in benchmarks/impact_planted.py)",
        }
