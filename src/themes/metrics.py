"""Score arithmetic: NPS groups, NPS, and its bootstrap interval. Everything calls this module.

NPS is asked on 0-10: promoters 9-10, passives 7-8, detractors 0-6, and
NPS = %promoters - %detractors, from -100 to 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NPS_MIN, NPS_MAX = 0.0, 10.0
PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
# a respondent's contribution to NPS: +1 promoter, 0 passive, -1 detractor
_VALUE = {PROMOTER: 1.0, PASSIVE: 0.0, DETRACTOR: -1.0}


def nps_group(score: float) -> str:
    """The NPS group of one 0-10 score; '' for a missing score."""
    if score is None or (isinstance(score, float) and np.isnan(score)):
        return ""
    if not NPS_MIN <= score <= NPS_MAX:
        raise ValueError(f"NPS score {score} is outside 0-10")
    if score >= 9:
        return PROMOTER
    if score >= 7:
        return PASSIVE
    return DETRACTOR


def nps_groups(scores: pd.Series) -> pd.Series:
    return scores.map(nps_group).astype(str)


def nps_values(groups: pd.Series | np.ndarray) -> np.ndarray:
    """+1 / 0 / -1 per respondent, NaN where there is no score."""
    return np.array([_VALUE.get(g, np.nan) for g in groups], dtype=float)


def nps(values: np.ndarray) -> float:
    """NPS (-100..100) of +1/0/-1 values; NaN (missing scores) are ignored; NaN if none."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan")
    return float(100.0 * values.mean())


def bootstrap_nps_interval(values: np.ndarray, n_boot: int = 2000, seed: int = 42,
                           level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of NPS. Resampling respondents only changes the counts
    of promoters, passives and detractors, so we draw those counts from a multinomial."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = values.size
    if n == 0:
        return float("nan"), float("nan")
    counts = np.array([(values == 1).sum(), (values == 0).sum(), (values == -1).sum()])
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, counts / n, size=n_boot)
    stats = 100.0 * (draws[:, 0] - draws[:, 2]) / n
    alpha = (1 - level) / 2
    low, high = np.quantile(stats, [alpha, 1 - alpha])
    return float(low), float(high)
