"""Theme impact: how much each theme moves the headline metric, with bootstrap intervals.

With scores, the leave-one-out impact of theme t is
    impact_t = NPS(all) - NPS(all without the comments that mention t)
which equals share_t * (NPS(comments with t) - NPS(the rest)). Negative impact means the
theme drags NPS down; rank 1 is the theme that costs the most.

Without scores we fall back to volume x tone: impact_t = 100 * share_t * mean sentiment of
the theme's comments, so frequent negative themes rank first (the summary says so).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np


@dataclass
class ImpactResult:
    basis: str  # "nps" or "sentiment"
    impact: np.ndarray
    low: np.ndarray
    high: np.ndarray
    with_value: np.ndarray  # NPS of the theme's comments (or mean sentiment x 100)
    without_value: np.ndarray  # NPS of all comments without the theme


def _loo(weights: np.ndarray, value: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, ...]:
    """Leave-one-out impact for every theme at once.

    weights: (B, C) how often each cell is drawn; value: (C,) +1/0/-1 of the cell;
    member: (C, T) whether the cell's comments mention the theme.
    """
    n = weights.sum(axis=1, keepdims=True)  # (B, 1)
    total = weights @ value  # (B,)
    n_t = weights @ member  # (B, T)
    sum_t = (weights * value) @ member  # (B, T)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = 100.0 * total[:, None] / n
        without = 100.0 * (total[:, None] - sum_t) / (n - n_t)
        with_ = 100.0 * sum_t / n_t
    # a theme in every comment has no "rest": removing it leaves nothing to compare
    impact = np.where(n - n_t > 0, overall - without, np.nan)
    return impact, with_, without


def theme_impact(values: np.ndarray, member: np.ndarray, n_boot: int = 1000, seed: int = 42,
                 level: float = 0.95) -> ImpactResult:
    """Impact of each theme on NPS. values: (N,) +1/0/-1 or NaN; member: (N, T) bool."""
    keep = ~np.isnan(values)
    values, member = values[keep], member[keep].astype(bool)
    n_themes = member.shape[1]
    if values.size == 0:
        nan = np.full(n_themes, np.nan)
        return ImpactResult("nps", nan, nan, nan, nan, nan)
    # Comments that share a score value and a set of themes are interchangeable for the
    # statistic, so the bootstrap resamples these cells: exact, and cheap at any N.
    cells, counts = np.unique(np.column_stack([values, member]), axis=0, return_counts=True)
    cell_value, cell_member = cells[:, 0], cells[:, 1:].astype(float)
    point, with_, without = _loo(counts[None, :].astype(float), cell_value, cell_member)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(values.size, counts / values.size, size=n_boot).astype(float)
    boot, _, _ = _loo(draws, cell_value, cell_member)
    alpha = (1 - level) / 2
    with warnings.catch_warnings():  # a theme in every comment has only NaN draws
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(boot, alpha, axis=0) if n_boot else np.full(n_themes, np.nan)
        high = np.nanquantile(boot, 1 - alpha, axis=0) if n_boot else np.full(n_themes, np.nan)
    return ImpactResult("nps", point[0], low, high, with_[0], without[0])


def sentiment_impact(sentiment: np.ndarray, member: np.ndarray, n_boot: int = 1000, seed: int = 42,
                     level: float = 0.95) -> ImpactResult:
    """Volume x tone when there are no scores: 100 * share * mean sentiment of the theme."""
    member = member.astype(bool)
    n = len(sentiment)
    rng = np.random.default_rng(seed)

    def stat(idx: np.ndarray) -> np.ndarray:
        m = member[idx]
        s = sentiment[idx]
        n_t = m.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_t = (s[:, None] * m).sum(axis=0) / n_t
        return 100.0 * (n_t / len(idx)) * np.nan_to_num(mean_t)

    point = stat(np.arange(n))
    boot = np.array([stat(rng.integers(0, n, n)) for _ in range(n_boot)]) if n else np.empty((0,))
    alpha = (1 - level) / 2
    low = np.quantile(boot, alpha, axis=0) if n_boot and n else np.full(member.shape[1], np.nan)
    high = np.quantile(boot, 1 - alpha, axis=0) if n_boot and n else np.full(member.shape[1], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        with_ = 100.0 * (sentiment[:, None] * member).sum(axis=0) / member.sum(axis=0)
    return ImpactResult("sentiment", point, low, high, with_, np.full(member.shape[1], np.nan))

