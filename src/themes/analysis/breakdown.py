"""The metric and theme figures broken down by segment and by period.

Segments (``--segment`` columns, and binned joined columns): per value, the metric with its
interval, and per theme its share there vs elsewhere, a one-sided exact test of "more
frequent here" (Benjamini-Hochberg across every theme x value of the column) and the
theme's impact within the segment. Values with fewer than ``min_size`` responses are
reported but marked too small and never tested.

Periods (``--date``): per month or quarter, the metric and each theme's share; a theme is
emerging when its share in the latest period is significantly higher than in all earlier
periods pooled (exact test, BH across themes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.blocks import shared_values
from . import scales as metrics
from .impact import driver_impact, resample_cells, ridge_effects
from .stats import benjamini_hochberg, fisher_greater


def _metric_row(values: np.ndarray, scale: metrics.Scale, seed: int, level: float) -> dict:
    scored = values[~np.isnan(values)]
    low, high = metrics.bootstrap_interval(scored, scale.factor, n_boot=1000, seed=seed, level=level)
    return {"responses": int(scored.size), "metric": round(scale.metric(scored), 2),
            "metric_low": round(low, 2), "metric_high": round(high, 2)}


def segment_table(values: np.ndarray, member: np.ndarray, theme_ids: list[str], segments: pd.DataFrame,
                  scale: metrics.Scale, *, min_size: int = 30, n_boot: int = 300, seed: int = 42,
                  level: float = 0.95, alpha: float = 0.05, prior_comments: float = 0.0) -> pd.DataFrame:
    rows = []
    for column in segments.columns:
        labels = segments[column].fillna("").astype(str).to_numpy()
        start = len(rows)
        for value in sorted(set(labels) - {""}):
            inside = labels == value
            n_in, n_out = int(inside.sum()), int((~inside).sum())
            small = n_in < min_size
            base = {"segment": column, "value": value, "n_comments": n_in, "too_small": small}
            rows.append({**base, "theme_id": "", **_metric_row(values[inside], scale, seed, level)})
            impact = None
            if not small and np.isfinite(values[inside]).any():
                impact = driver_impact(values[inside], member[inside], n_boot=n_boot, seed=seed, level=level,
                                       factor=scale.factor, prior_comments=prior_comments)
            for t, theme in enumerate(theme_ids):
                hit_in, hit_out = int(member[inside, t].sum()), int(member[~inside, t].sum())
                share_in = hit_in / n_in if n_in else np.nan
                share_out = hit_out / n_out if n_out else np.nan
                rows.append({**base, "theme_id": theme, "theme_comments": hit_in,
                             "share": round(share_in, 4), "share_elsewhere": round(share_out, 4),
                             "lift": round(share_in / share_out, 3) if share_out else np.nan,
                             "p_value": np.nan if small else fisher_greater(hit_in, n_in, hit_out, n_out),
                             "impact": round(float(impact.impact[t]), 2) if impact else np.nan,
                             "impact_low": round(float(impact.low[t]), 2) if impact else np.nan,
                             "impact_high": round(float(impact.high[t]), 2) if impact else np.nan})
        # multiple testing: every theme x value of this column is one family
        block = rows[start:]
        q = benjamini_hochberg(np.array([r.get("p_value", np.nan) for r in block], dtype=float))
        for r, qv in zip(block, q):
            if r["theme_id"]:
                r["q_value"] = qv
                r["over_represented"] = bool(qv < alpha) if not np.isnan(qv) else False
    return pd.DataFrame(rows)


def period_labels(dates: pd.Series, period: str = "quarter") -> pd.Series:
    """'2024Q1' or '2024-03' per date; '' where there is no date."""
    if period not in ("quarter", "month"):
        raise ValueError(f"period must be 'month' or 'quarter', got '{period}'")
    dates = pd.to_datetime(dates)
    labels = dates.dt.to_period("Q" if period == "quarter" else "M").astype(str)
    return labels.where(dates.notna(), "")


def period_table(values: np.ndarray, member: np.ndarray, theme_ids: list[str], periods: pd.Series,
                 scale: metrics.Scale, *, seed: int = 42, level: float = 0.95) -> pd.DataFrame:
    rows = []
    labels = shared_values(periods)
    for period in sorted(set(labels) - {""}):
        inside = labels == period
        n_in = int(inside.sum())
        rows.append({"period": period, "theme_id": "", "n_comments": n_in,
                     **_metric_row(values[inside], scale, seed, level)})
        for t, theme in enumerate(theme_ids):
            hits = int(member[inside, t].sum())
            rows.append({"period": period, "theme_id": theme, "n_comments": n_in, "theme_comments": hits,
                         "share": round(hits / n_in, 4) if n_in else np.nan})
    return pd.DataFrame(rows)


def emerging_themes(member: np.ndarray, periods: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Per theme: share in the latest period vs before, exact test p, BH q, emerging flag."""
    labels = shared_values(periods)
    order = sorted(set(labels) - {""})
    n_themes = member.shape[1]
    if len(order) < 2:
        return pd.DataFrame({"share_latest": np.nan, "share_before": np.nan, "p_value": np.nan,
                             "q_value": np.nan, "emerging": False}, index=range(n_themes))
    latest = labels == order[-1]
    before = np.isin(labels, order[:-1])
    n_l, n_b = int(latest.sum()), int(before.sum())
    p = np.array([fisher_greater(int(member[latest, t].sum()), n_l, int(member[before, t].sum()), n_b)
                  for t in range(n_themes)])
    q = benjamini_hochberg(p)
    return pd.DataFrame({
        "share_latest": member[latest].mean(axis=0).round(4),
        "share_before": member[before].mean(axis=0).round(4),
        "p_value": p, "q_value": q, "emerging": q < alpha,
    })


def _effects(weights: np.ndarray, value: np.ndarray, member: np.ndarray, factor: float, alpha: float):
    """Per draw (rows of ``weights`` over the cells): the metric, each theme's share and its own
    effect (the key-driver regression's coefficient, in the metric's units)."""
    n = weights.sum(axis=1)
    return factor * (weights @ value) / n, (weights @ member) / n[:, None], \
        factor * ridge_effects(weights, value, member, alpha)


def change_decomposition(values: np.ndarray, member: np.ndarray, theme_ids: list[str], periods: pd.Series,
                         *, n_boot: int = 500, seed: int = 42, level: float = 0.95,
                         factor: float = 100.0, alpha: float = 1e-3) -> dict | None:
    """What moved the metric from the previous period to the latest, theme by theme.

    In each period the key-driver regression (intercept + each theme's own effect) adds up to the
    metric: metric = baseline + sum(share x effect). The change is therefore, per theme, volume
    (share_to - share_from) x effect_from (more or fewer mentions at the old effect) plus score
    share_to x (effect_to - effect_from) (its comments scoring better or worse, everything else
    held); the residual is the change of the baseline (respondents with no theme, or everyone,
    scoring differently), so sum(total) + residual == delta. Each figure has a bootstrap interval
    (respondents resampled within each period). None with fewer than two scored periods."""
    labels = shared_values(periods)
    scored = ~np.isnan(values)
    order = sorted(set(labels[scored]) - {""})
    if len(order) < 2:
        return None
    parts = []
    for k, period in enumerate(order[-2:]):
        inside = (labels == period) & scored
        value, cell_member, counts, draws = resample_cells(values[inside], member[inside], n_boot, seed + k)
        point = _effects(counts[None, :], value, cell_member, factor, alpha)
        boot = [_effects(block, value, cell_member, factor, alpha) for block in draws]
        parts.append((point, tuple(np.concatenate([b[i] for b in boot]) for i in range(3))))

    def split(a, b):
        (m0, s0, g0), (m1, s1, g1) = a, b
        volume, score = (s1 - s0) * g0, s1 * (g1 - g0)
        delta = m1 - m0
        return delta, volume, score, volume + score, delta - (volume + score).sum(axis=1)

    point = split(parts[0][0], parts[1][0])
    boot = split(parts[0][1], parts[1][1])
    alpha = (1 - level) / 2

    def interval(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.quantile(draws, alpha, axis=0), np.quantile(draws, 1 - alpha, axis=0)

    d_low, d_high = interval(boot[0])
    t_low, t_high = interval(boot[3])
    r_low, r_high = interval(boot[4])
    contributions = [{"theme_id": theme, "volume_effect": round(float(point[1][0, t]), 2),
                      "score_effect": round(float(point[2][0, t]), 2), "total": round(float(point[3][0, t]), 2),
                      "low": round(float(t_low[t]), 2), "high": round(float(t_high[t]), 2)}
                     for t, theme in enumerate(theme_ids)]
    return {"from": order[-2], "to": order[-1], "delta": round(float(point[0][0]), 2),
            "low": round(float(d_low), 2), "high": round(float(d_high), 2),
            "contributions": sorted(contributions, key=lambda c: -abs(c["total"])),
            # from the rounded figures, so that they add up to the printed delta exactly
            "residual": round(round(float(point[0][0]), 2) - sum(c["total"] for c in contributions), 2),
            "residual_low": round(float(r_low), 2),
            "residual_high": round(float(r_high), 2)}
