"""Small statistical helpers shared by the analytics: multiple testing and exact tests."""

from __future__ import annotations

import numpy as np


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """q-values (BH false discovery rate); NaN p-values stay NaN and are not counted."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = ok.sum()
    if m == 0:
        return q
    order = np.argsort(p[ok])
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q


def bootstrap_p(boot: np.ndarray) -> np.ndarray:
    """Two-sided bootstrap p-value of 'the estimate is zero', per column of draws (B, T)."""
    boot = np.asarray(boot, dtype=float)
    if boot.shape[0] == 0:
        return np.full(boot.shape[1], np.nan)
    with np.errstate(invalid="ignore"):
        n = (~np.isnan(boot)).sum(axis=0)
        below = (boot <= 0).sum(axis=0) / n
        above = (boot >= 0).sum(axis=0) / n
        p = np.minimum(1.0, 2 * np.minimum(below, above))
    # never exactly zero: a finite bootstrap cannot be surer than 1 / (B + 1)
    return np.where(n > 0, np.maximum(p, 1.0 / (n + 1)), np.nan)


def fisher_greater(hit_in: int, n_in: int, hit_out: int, n_out: int) -> float:
    """One-sided exact test: is the rate inside (hit_in / n_in) higher than outside?"""
    from scipy.stats import fisher_exact

    if n_in == 0 or n_out == 0:
        return float("nan")
    table = [[hit_in, n_in - hit_in], [hit_out, n_out - hit_out]]
    return float(fisher_exact(table, alternative="greater").pvalue)
