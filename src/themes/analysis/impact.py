"""Theme impact: how much each theme moves the headline metric, with bootstrap intervals.

Two estimates, reported side by side:

* Leave-one-out (LOO): impact_t = metric(all) - metric(all without the comments that mention t)
  = share_t * (metric of the theme's comments - metric of the rest). What the theme's comments
  cost, including whatever they mention alongside it.
* Key driver: a ridge regression of each respondent's value on theme indicators estimates
  the theme's *own* effect (holding co-mentioned themes fixed); its impact is
  share_t * effect_t on the metric's scale. benchmarks/impact_planted.py compares the two on
  planted data; the ranking uses the one the summary names.

Negative impact means the theme lowers the metric; rank 1 is the theme that costs the most.
Without scores: impact_t = 100 * share_t * (mean sentiment of the theme's comments - the export's).

Comments that share a value and a set of themes are interchangeable for every statistic
here, so estimates and the bootstrap work on these cells: exact, and cheap at any N.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .stats import benjamini_hochberg, bootstrap_p


@dataclass
class ImpactResult:
    basis: str  # "loo", "driver" or "sentiment"
    impact: np.ndarray
    low: np.ndarray
    high: np.ndarray
    with_value: np.ndarray  # metric of the theme's comments (LOO) / own effect (driver)
    without_value: np.ndarray  # metric of the rest (LOO)
    p_value: np.ndarray | None = None  # bootstrap, two-sided, "no impact"

    @property
    def q_value(self) -> np.ndarray:
        """Benjamini-Hochberg over the themes: flag on q < 0.05 to keep false discoveries at 5%."""
        return benjamini_hochberg(self.p_value) if self.p_value is not None else np.full(len(self.impact), np.nan)


def _cells(values: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (value, theme set) rows of the scored comments, sorted by value then by the
    theme indicators, and how many comments each holds. Each row is packed into a few bytes (the
    value's rank, big-endian, then the indicators as bits) before sorting: as float rows, the
    sort held a float per comment and theme. Byte order is the float rows'
    order, so the cells, and the bootstrap draws over them, are the same."""
    keep = ~np.isnan(values)
    levels, rank = np.unique(values[keep], return_inverse=True)
    bits = np.packbits(member[keep].astype(bool), axis=1)  # column 0 is the first byte's top bit
    rows = np.ascontiguousarray(np.column_stack([rank.astype(">u4").view(np.uint8).reshape(-1, 4), bits]))
    packed, counts = np.unique(rows.view(np.dtype((np.void, rows.shape[1]))).ravel(), return_counts=True)
    packed = packed.view(np.uint8).reshape(len(packed), rows.shape[1])
    value = levels[packed[:, :4].copy().view(">u4").ravel()] if len(packed) else levels[:0]
    cell_member = np.unpackbits(packed[:, 4:], axis=1, count=member.shape[1]).astype(float)
    return value, cell_member, counts.astype(float)


def _quantiles(boot: np.ndarray, level: float, n_themes: int) -> tuple[np.ndarray, np.ndarray]:
    if boot.shape[0] == 0:
        return np.full(n_themes, np.nan), np.full(n_themes, np.nan)
    alpha = (1 - level) / 2
    with warnings.catch_warnings():  # a theme in every comment has only NaN draws
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(boot, alpha, axis=0), np.nanquantile(boot, 1 - alpha, axis=0)


def _loo(weights: np.ndarray, value: np.ndarray, member: np.ndarray, factor: float):
    """weights (B, C) draws per cell; value (C,); member (C, T) -> impact, with, without (B, T)."""
    n = weights.sum(axis=1, keepdims=True)
    total = weights @ value
    n_t = weights @ member
    sum_t = (weights * value) @ member
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = factor * total[:, None] / n
        without = factor * (total[:, None] - sum_t) / (n - n_t)
        with_ = factor * sum_t / n_t
    # a theme in every comment leaves no "rest" to compare with
    impact = np.where(n - n_t > 0, overall - without, np.nan)
    return impact, with_, without


# bootstrap draws held at once: a (draws x cells) matrix of at most this many entries (each
# block's statistic makes a few such). Cells grow with N, so a fixed number of draws at a time
# would grow with the export too.
DRAW_CELLS_PER_BLOCK = 1_000_000


def resample_cells(values: np.ndarray, member: np.ndarray, n_boot: int, seed: int):
    """The scored comments as cells, and the bootstrap draws of the cell counts as an iterator of
    blocks of draws (DRAW_CELLS_PER_BLOCK entries at most; one draw at least); None if no scores.
    (All draws at once grew with the export; the blocks are the same draws, the generator's
    stream read row by row, whatever their size.)"""
    value, cell_member, counts = _cells(np.asarray(values, float), member.astype(bool))
    if counts.size == 0:
        return None
    total = int(counts.sum())
    rng = np.random.default_rng(seed)
    per_block = max(1, DRAW_CELLS_PER_BLOCK // counts.size)
    draws = (rng.multinomial(total, counts / total, size=min(per_block, n_boot - start)).astype(float)
             for start in range(0, n_boot, per_block))
    return value, cell_member, counts, draws


def _per_block(statistic, draws, n_themes: int) -> np.ndarray:
    """``statistic`` of every bootstrap draw, block by block: (B, T)."""
    blocks = [statistic(block) for block in draws]
    return np.vstack(blocks) if blocks else np.empty((0, n_themes))


def _no_scores(basis: str, n_themes: int) -> ImpactResult:
    nan = np.full(n_themes, np.nan)
    return ImpactResult(basis, nan, nan, nan, nan, nan)


def theme_impact(values: np.ndarray, member: np.ndarray, n_boot: int = 1000, seed: int = 42,
                 level: float = 0.95, factor: float = 100.0) -> ImpactResult:
    """Leave-one-out impact. values: (N,) per-respondent values (NaN = no score); member: (N, T)."""
    n_themes = member.shape[1]
    cells = resample_cells(values, member, n_boot, seed)
    if cells is None:
        return _no_scores("loo", n_themes)
    value, cell_member, counts, draws = cells
    point, with_, without = _loo(counts[None, :], value, cell_member, factor)
    boot = _per_block(lambda block: _loo(block, value, cell_member, factor)[0], draws, n_themes)
    low, high = _quantiles(boot, level, n_themes)
    return ImpactResult("loo", point[0], low, high, with_[0], without[0], bootstrap_p(boot))


def ridge_effects(weights: np.ndarray, value: np.ndarray, member: np.ndarray, alpha: float) -> np.ndarray:
    """Weighted ridge with an unpenalised intercept, one fit per row of ``weights``: (B, T).
    The penalty is alpha per respondent (alpha * n), so its pull does not depend on N; it
    only steadies themes that are rare or always mentioned together."""
    n_themes = member.shape[1]
    design = np.column_stack([np.ones(len(value)), member])  # (C, T+1)
    penalty = np.eye(n_themes + 1)
    penalty[0, 0] = 0.0
    out = np.empty((weights.shape[0], n_themes))
    for b, w in enumerate(weights):
        gram = design.T @ (design * w[:, None]) + penalty * alpha * w.sum()
        rhs = design.T @ (w * value)
        out[b] = np.linalg.lstsq(gram, rhs, rcond=None)[0][1:]
    return out


def driver_impact(values: np.ndarray, member: np.ndarray, n_boot: int = 1000, seed: int = 42,
                  level: float = 0.95, factor: float = 100.0, alpha: float = 1e-3,
                  prior_comments: float = 0.0) -> ImpactResult:
    """Key-driver impact: share_t * own effect_t * factor, the own effect from a ridge
    regression of the respondent's value on all theme indicators at once (``ridge_effects``),
    shrunk toward zero by n_t / (n_t + prior_comments): as if the theme had that many more
    comments of no effect (a small theme's estimate is mostly noise, a large one's barely moves;
    shrinking in the regression instead pulls every theme through the shared intercept)."""
    n_themes = member.shape[1]
    cells = resample_cells(values, member, n_boot, seed)
    if cells is None:
        return _no_scores("driver", n_themes)
    value, cell_member, counts, draws = cells
    total = counts.sum()

    def impact_of(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        counts_t = weights @ cell_member
        shrink = counts_t / np.maximum(counts_t + prior_comments, 1e-12)  # a theme absent from a draw: 0
        effect = ridge_effects(weights, value, cell_member, alpha) * shrink
        share = counts_t / weights.sum(axis=1, keepdims=True)
        return factor * share * effect, effect

    point, effect = impact_of(counts[None, :])
    boot = _per_block(lambda block: impact_of(block)[0], draws, n_themes)
    low, high = _quantiles(boot, level, n_themes)
    # a theme in every comment is confounded with the intercept: no own effect to report
    everywhere = (cell_member.T @ counts) == total
    impact = np.where(everywhere, np.nan, point[0])
    p = np.where(everywhere, np.nan, bootstrap_p(boot))
    return ImpactResult("driver", impact, np.where(everywhere, np.nan, low), np.where(everywhere, np.nan, high),
                        factor * effect[0], np.full(n_themes, np.nan), p)


def sentiment_impact(sentiment: np.ndarray, member: np.ndarray, n_boot: int = 1000, seed: int = 42,
                     level: float = 0.95) -> ImpactResult:
    """Volume x tone when there are no scores: 100 * share * (mean sentiment of the theme's comments
    - that of all comments). Against the export's own tone, not against neutral: in an export of
    complaints every theme is negative, and only one more negative than the rest is a finding."""
    member = member.astype(bool)
    n = len(sentiment)
    rng = np.random.default_rng(seed)

    def stat(idx: np.ndarray) -> np.ndarray:
        m = member[idx]
        n_t = m.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_t = (sentiment[idx][:, None] * m).sum(axis=0) / n_t
        return 100.0 * (n_t / len(idx)) * np.nan_to_num(mean_t - sentiment[idx].mean())

    point = stat(np.arange(n))
    boot = np.array([stat(rng.integers(0, n, n)) for _ in range(n_boot)]) if n and n_boot else np.empty((0,))
    boot = boot.reshape(-1, member.shape[1])
    low, high = _quantiles(boot, level, member.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        with_ = 100.0 * (sentiment[:, None] * member).sum(axis=0) / member.sum(axis=0)
    return ImpactResult("sentiment", point, low, high, with_, np.full(member.shape[1], np.nan), bootstrap_p(boot))
