"""Score arithmetic for every supported scale. Everything that turns scores into a headline
figure calls this module.

A scale maps each respondent's score to a value; the headline metric is the mean value
(times 100 for the percentage scales). That keeps one definition of "the metric without
some respondents", which the impact analysis needs:

  nps    0-10: promoters 9-10 (+1), passives 7-8 (0), detractors 0-6 (-1); NPS = %P - %D, -100..100
  csat   1-5:  satisfied 4-5 (1), neutral 3 (0), dissatisfied 1-2 (0); CSAT = % satisfied, 0..100
  ces    1-7:  low effort 5-7 (1), neutral 4 (0), high effort 1-3 (0); CES = % low effort, 0..100
  stars  1-5:  the rating itself; metric = average rating, 1..5
  rating 1-10 or 0-100: the rating itself; metric = average rating (a 1-10 rating is not NPS:
         NPS needs the 0-10 "how likely are you to recommend" question, which is asked as such)
"""

from __future__ import annotations

import re
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
    label: str = ""  # how the console and the report name the metric ("NPS", "average stars")
    average: bool = False  # the metric is the average score itself, not a share of groups

    @property
    def span(self) -> float:
        """The width of the metric's range (NPS: -100..100 is 200 points): a theme holding a share s
        of the comments can move the metric by at most s x span."""
        if self.average:
            return self.high - self.low
        values = [value for _, _, _, value in self.groups]
        return self.factor * (max(values) - min(values))

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
        if self.average:
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
            top="promoter", bottom="detractor", label="NPS")
CSAT = Scale("csat", 1, 5, "% satisfied", 100.0,
             (("dissatisfied", 1, 2, 0.0), ("neutral", 3, 3, 0.0), ("satisfied", 4, 5, 1.0)),
             top="satisfied", bottom="dissatisfied", label="CSAT")
CES = Scale("ces", 1, 7, "% low effort", 100.0,
            (("high effort", 1, 3, 0.0), ("neutral", 4, 4, 0.0), ("low effort", 5, 7, 1.0)),
            top="low effort", bottom="high effort", label="CES")
STARS = Scale("stars", 1, 5, "average stars", 1.0,
              (("negative", 1, 2, 0.0), ("mixed", 3, 3, 0.0), ("positive", 4, 5, 0.0)),
              top="positive", bottom="negative", label="average stars", average=True)
RATING10 = Scale("rating10", 1, 10, "average rating", 1.0,
                 (("negative", 1, 4, 0.0), ("mixed", 5, 6, 0.0), ("positive", 7, 10, 0.0)),
                 top="positive", bottom="negative", label="average rating (1-10)", average=True)
RATING100 = Scale("rating100", 0, 100, "average score", 1.0,
                  (("negative", 0, 40, 0.0), ("mixed", 41, 69, 0.0), ("positive", 70, 100, 0.0)),
                  top="positive", bottom="negative", label="average score (0-100)", average=True)
SCALES = {s.name: s for s in (NPS, CSAT, CES, STARS, RATING10, RATING100)}
# what a score column's header says the question was, in en/ru/lv (the first that matches wins)
HEADER_HINTS = ((NPS, re.compile(r"\bnps\b|recommend|\bltr\b|рекоменд|ieteik", re.I)),
                (CES, re.compile(r"\bces\b|effort|усили|pūl", re.I)),
                (CSAT, re.compile(r"csat|satisf|удовлетвор|apmierin", re.I)),
                (STARS, re.compile(r"star|звезд|звёзд|zvaigzn", re.I)))


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown scale '{name}' (choose {', '.join(SCALES)})") from None


def detect_scale(scores: pd.Series, columns: list[str] | tuple[str, ...] = ()) -> tuple[Scale, str]:
    """The scale of the scores, and why: the question the score column's header names where most
    scores fit it (the others are then rejected as outside it, as typos), else the smallest usual
    scale the scores fit, where a 0 says 0-10 (the NPS question) and 1-10 without one is a plain
    rating. Says when the scores use only part of the scale."""
    s = pd.Series(scores, dtype=float).dropna()
    if s.empty:
        return NPS, "no scores: NPS assumed"
    low, high = float(s.min()), float(s.max())
    seen = f"scores {low:g}-{high:g}"
    named = next(((scale, c) for c in columns for scale, pattern in HEADER_HINTS if pattern.search(str(c))), None)
    fit = float(s.between(named[0].low, named[0].high).mean()) if named else 0.0
    if named and fit > 0.5:
        scale, why = named[0], f"the column '{named[1]}' names it; {seen}"
        if fit < 1:
            why += f" ({1 - fit:.0%} outside its {scale.low:g}-{scale.high:g}: rejected)"
        s = s[s.between(scale.low, scale.high)]
    else:
        if low >= 1 and high <= 5:
            scale, why = CSAT, f"{seen} fit 1-5: CSAT assumed (--scale stars for star ratings)"
        elif low >= 1 and high <= 7:
            scale, why = CES, f"{seen} fit 1-7: CES assumed"
        elif low >= 0 and high <= 10 and low < 1:
            scale, why = NPS, f"{seen}: a 0-10 scale, the NPS question's (likelihood to recommend) assumed"
        elif low >= 1 and high <= 10:
            scale, why = RATING10, (f"{seen}: a 1-10 rating, not NPS, whose 0-10 scale starts at 0 "
                                    "(--scale nps if it is the recommend question)")
        else:
            scale, why = RATING100, f"{seen}: a 0-100 score"
        if named:
            why += f" (the column '{named[1]}' names {named[0].label}, whose range most of them do not fit)"
    return scale, why + _partial(s, scale)


def _partial(s: pd.Series, scale: Scale) -> str:
    """A note when nearly all scores sit in the lower half of a long scale: its upper half unused,
    as when a 1-5 rating is stored on a 1-10 field (scores skewed high are usual and not noted)."""
    half = float(np.floor(scale.low + (scale.high - scale.low) / 2))  # 1-10: 1-5; 0-100: 0-50
    if scale.high - scale.low < 9 or (inside := float((s <= half).mean())) < 0.95:
        return ""
    return (f"; {inside:.0%} of them are {scale.low:g}-{half:g}: only the lower part of the "
            f"{scale.low:g}-{scale.high:g} scale is used (a 1-{half:g} scale stored as {scale.low:g}-{scale.high:g}?)")


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
