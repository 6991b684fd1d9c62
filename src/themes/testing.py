"""Synthetic exports with planted truth, for the tests and benchmarks of the analytics.

Respondents mention themes with known frequencies (some themes tend to come together), each
theme moves the 0-10 score by a known amount, one theme is more frequent in one segment, and
one theme emerges in the last quarter. The planted figures each estimator should recover are
measured on a large simulated population with counterfactuals, not derived by hand:

* ``loo_truth``: metric(all) - metric(without the theme's comments), in the population;
* ``driver_truth``: share x the theme's own effect, i.e. the mean change in the respondent's
  NPS value when the theme is switched on vs off, everything else held;
* ``change_truth``: the change from the third quarter to the fourth, decomposed per theme
  (``themes.analysis.breakdown.change_decomposition`` on the population): the emerging theme grows, and a
  ``worsening`` theme's effect doubles in the last quarter.

Scores are drawn on 0-10 and mapped onto the ``scale`` asked for (stars, CSAT and CES by rounding
onto their range, a 1-10 rating by lifting 0 to 1, 0-100 by x10): the truths are in that scale's metric.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .analysis import scales as metrics
from .analysis.breakdown import change_decomposition

DEFAULT_EFFECTS = {"delivery": -3.0, "support": -2.5, "app": -2.0, "price": -1.2, "refund": -2.8,
                   "staff": 1.2, "quality": 0.8, "checkout": 0.0}
DEFAULT_FREQS = {"delivery": 0.20, "support": 0.12, "app": 0.15, "price": 0.18, "refund": 0.06,
                 "staff": 0.16, "quality": 0.14, "checkout": 0.10}
SEGMENTS = ("web", "app", "store", "phone")
# short feedback in en/ru/lv (two complaints in three languages each, emoji, a bare "ok"): what an
# embedding tier must keep close to e5 (tests/test_fast_tier.py, test_scale_tier.py)
MIXED_TEXTS = ["The app keeps crashing when I pay", "Приложение постоянно вылетает при оплате",
               "Lietotne pastāvīgi avarē, kad maksāju", "Delivery was fast and the courier polite",
               "Доставка была быстрой", "Piegāde bija ātra", "😡😡😡 never again", "ok"]
QUARTERS = ("2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01")


@dataclass
class PlantedExport:
    frame: pd.DataFrame  # id, score, date, channel, one bool column per theme
    themes: list[str]
    effects: dict[str, float]
    loo_truth: dict[str, float] = field(default_factory=dict)
    driver_truth: dict[str, float] = field(default_factory=dict)
    change_truth: dict | None = None  # change_decomposition of the population, Q3 -> Q4
    scale: metrics.Scale = metrics.NPS
    over_represented: tuple[str, str] | None = None  # (segment value, theme)
    emerging: str | None = None

    @property
    def member(self) -> np.ndarray:
        return self.frame[self.themes].to_numpy(bool)


def _draw(n: int, rng, effects, freqs, null: bool, boost_segment: str, boost_theme: str,
          emerging: str | None, co: tuple[str, str] | None):
    themes = list(effects)
    channel = rng.choice(SEGMENTS, size=n)
    quarter = rng.integers(0, 4, size=n)
    p = np.tile([freqs[t] for t in themes], (n, 1))
    if not null:
        p[channel == boost_segment, themes.index(boost_theme)] *= 3.0
        if emerging:  # rare for three quarters, then common
            e = themes.index(emerging)
            p[:, e] = np.where(quarter == 3, 0.25, 0.02)
    member = rng.random((n, len(themes))) < np.clip(p, 0, 0.95)
    if co and not null:  # the second theme of the pair is much more likely with the first
        a, b = themes.index(co[0]), themes.index(co[1])
        member[:, b] |= member[:, a] & (rng.random(n) < 0.5)
    base = rng.normal(8.0, 1.6, size=n)
    noise = rng.normal(0, 0.8, size=n)
    return themes, channel, quarter, member, base, noise


def _scores(base, noise, member, effect_vector, quarter=None, worsening: int | None = None):
    """0-10 scores; the ``worsening`` theme (a column) weighs twice in the last quarter."""
    shift = member @ effect_vector
    if worsening is not None:
        shift = shift + np.where(quarter == 3, member[:, worsening] * effect_vector[worsening], 0.0)
    return np.clip(np.round(base + shift + noise), 0, 10)


def on_scale(scores: np.ndarray, scale: metrics.Scale) -> np.ndarray:
    """0-10 scores onto ``scale``'s range."""
    if scale.name == "rating10":
        return np.maximum(scores, 1)
    if scale.name == "rating100":
        return scores * 10
    if scale.name == "nps":
        return scores
    return np.round(scale.low + scores / 10 * (scale.high - scale.low))


def planted_export(n: int = 2000, seed: int = 0, *, effects: dict[str, float] | None = None,
                   freqs: dict[str, float] | None = None, null: bool = False,
                   boost: tuple[str, str] = ("app", "app"), emerging: str | None = "checkout",
                   co_occur: tuple[str, str] | None = ("delivery", "checkout"),
                   worsening: str | None = None, scale: str = "nps",
                   population: int = 200_000) -> PlantedExport:
    """An export of ``n`` respondents. ``null=True``: no effects, no over-representation, no
    emerging or worsening theme, no co-occurrence (for false-discovery checks)."""
    effects = dict(DEFAULT_EFFECTS if effects is None else effects)
    freqs = dict(DEFAULT_FREQS if freqs is None else freqs)
    if null:
        effects = dict.fromkeys(effects, 0.0)
        emerging, co_occur, worsening = None, None, None
    effect_vector = np.array(list(effects.values()))
    worse = list(effects).index(worsening) if worsening else None
    sc = metrics.get_scale(scale)
    args = (effects, freqs, null, boost[0], boost[1], emerging, co_occur)

    rng = np.random.default_rng(seed)
    themes, channel, quarter, member, base, noise = _draw(n, rng, *args)
    scores = on_scale(_scores(base, noise, member, effect_vector, quarter, worse), sc)
    day = rng.integers(0, 90, size=n)
    dates = pd.to_datetime(np.array(QUARTERS)[quarter]) + pd.to_timedelta(day, unit="D")
    frame = pd.DataFrame({"id": [f"p{i}" for i in range(n)], "score": scores, "date": dates, "channel": channel})
    for j, t in enumerate(themes):
        frame[t] = member[:, j]

    # the planted figures, measured on a large population drawn the same way
    prng = np.random.default_rng(10_000 + seed)
    _, _, pquarter, pmember, pbase, pnoise = _draw(population, prng, *args)

    def values_of(member):
        return sc.values(on_scale(_scores(pbase, pnoise, member, effect_vector, pquarter, worse), sc))

    pvalues = values_of(pmember)
    overall = sc.metric(pvalues)
    loo, driver = {}, {}
    for j, t in enumerate(themes):
        loo[t] = overall - sc.metric(pvalues[~pmember[:, j]])
        on, off = pmember.copy(), pmember.copy()
        on[:, j], off[:, j] = True, False
        driver[t] = sc.factor * pmember[:, j].mean() * (values_of(on) - values_of(off)).mean()
    quarters = pd.Series(np.array(["Q1", "Q2", "Q3", "Q4"])[pquarter])
    change = change_decomposition(pvalues, pmember, themes, quarters, n_boot=1, factor=sc.factor)
    return PlantedExport(frame, themes, effects, loo, driver, change, sc,
                         None if null else (boost[0], boost[1]), None if null else emerging)
