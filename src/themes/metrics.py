"""Score arithmetic for every supported scale. Everything that turns scores into a headline
figure calls this module.

A scale maps each respondent's score to a value; the headline metric is the mean value
(times 100 for the percentage scales). That keeps one definition of "the metric without
some respondents", which the impact analysis needs:

  nps    0-10: promoters 9-10 (+1), passives 7-8 (0), detractors 0-6 (-1); NPS = %P - %D, -100..100
  csat   1-5:  satisfied 4-5 (1), neutral 3 (0), dissatisfied 1-2 (0); CSAT = % satisfied, 0..100
  ces    1-7:  low effort 5-7 (1), neutral 4 (0), high effort 1-3 (0); CES = % low effort, 0..100
  stars  1-5:  the rating itself; metric = average rating, 1..5
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Scale:
    name: str
    low: float
    high: float
    unit: str  # how the metric reads: "NPS points", "% satisfied", ...
    factor: float  # metric = factor * mean(value)
    groups: tuple[tuple[str, float, float, float], ...]  # (label, from, to, value) inclusive ranges
    top: str  # the best group (promoters) and the worst (detractors)
    bottom: str

    def _band(self, scores: np.ndarray) -> np.ndarray:
        """Index of each score's group: the last band starting at or below it, so a score
        between integer bands (8.5 on NPS) belongs to the band it rounds down into."""
        starts = np.array([start for _, start, _, _ in self.groups])
        return np.searchsorted(starts, scores, side="right") - 1

    def _check(self, scores: np.ndarray) -> None:
        bad = ~np.isnan(scores) & ((scores < self.low) | (scores > self.high))
        if bad.any():
            raise ValueError(f"{self.name.upper()} score {scores[bad][0]:g} is outside {self.low:g}-{self.high:g}")

    def group(self, score: float) -> str:
        """The group of one score; '' for a missing score."""
        return str(self.groups_of(pd.Series([score], dtype=float)).iloc[0])

    def groups_of(self, scores: pd.Series) -> pd.Series:
        values = np.asarray(scores, dtype=float)
        self._check(values)
        labels = np.array([label for label, _, _, _ in self.groups], dtype=object)
        out = np.where(np.isnan(values), "", labels[np.clip(self._band(values), 0, None)])
        return pd.Series(out, index=getattr(scores, "index", None), dtype=str)

    def values(self, scores: pd.Series | np.ndarray) -> np.ndarray:
        """Each respondent's contribution to the metric; NaN where there is no score."""
        scores = np.asarray(scores, dtype=float)
        self._check(scores)
        if self.name == "stars":
            return scores.copy()
        by_band = np.array([value for _, _, _, value in self.groups])
        return np.where(np.isnan(scores), np.nan, by_band[np.clip(self._band(scores), 0, None)])

    def metric(self, values: np.ndarray) -> float:
        """The headline figure of the given values (NaN = no score, ignored); NaN if none."""
        values = np.asarray(values, dtype=float)
        values = values[~np.isnan(values)]
        return float(self.factor * values.mean()) if values.size else float("nan")


NPS = Scale("nps", 0, 10, "NPS points", 100.0,
            (("detractor", 0, 6, -1.0), ("passive", 7, 8, 0.0), ("promoter", 9, 10, 1.0)),
            top="promoter", bottom="detractor")
CSAT = Scale("csat", 1, 5, "% satisfied", 100.0,
             (("dissatisfied", 1, 2, 0.0), ("neutral", 3, 3, 0.0), ("satisfied", 4, 5, 1.0)),
             top="satisfied", bottom="dissatisfied")
CES = Scale("ces", 1, 7, "% low effort", 100.0,
            (("high effort", 1, 3, 0.0), ("neutral", 4, 4, 0.0), ("low effort", 5, 7, 1.0)),
            top="low effort", bottom="high effort")
STARS = Scale("stars", 1, 5, "average stars", 1.0,
              (("negative", 1, 2, 0.0), ("mixed", 3, 3, 0.0), ("positive", 4, 5, 0.0)),
              top="positive", bottom="negative")
SCALES = {s.name: s for s in (NPS, CSAT, CES, STARS)}


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown scale '{name}' (choose {', '.join(SCALES)})") from None


def detect_scale(scores: pd.Series) -> tuple[Scale, str]:
    """Guess the scale from the range of the scores, and say why."""
    s = pd.Series(scores, dtype=float).dropna()
    if s.empty:
        return NPS, "no scores: NPS assumed"
    low, high = s.min(), s.max()
    if low >= 1 and high <= 5:
        return CSAT, f"scores {low:g}-{high:g} fit 1-5: CSAT assumed (use --scale stars for ratings)"
    if low >= 1 and high <= 7:
        return CES, f"scores {low:g}-{high:g} fit 1-7: CES assumed"
    return NPS, f"scores {low:g}-{high:g}: NPS (0-10) assumed"


def bootstrap_interval(values: np.ndarray, factor: float = 100.0, n_boot: int = 2000, seed: int = 42,
                       level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of factor * mean(values). Resampling respondents only
    changes how often each distinct value occurs, so we draw those counts (multinomial)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = values.size
    if n == 0:
        return float("nan"), float("nan")
    distinct, counts = np.unique(values, return_counts=True)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, counts / n, size=n_boot)
    stats = factor * (draws @ distinct) / n
    alpha = (1 - level) / 2
    low, high = np.quantile(stats, [alpha, 1 - alpha])
    return float(low), float(high)
