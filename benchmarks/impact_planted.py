"""Which impact estimate should rank themes? Leave-one-out vs key driver on planted data.

For each of R seeded exports of N respondents (themes.testing.planted_export: known theme
frequencies and own effects on the score, two themes that co-occur, a segment where a theme
is more frequent, a theme that emerges in the last quarter) it prints, per estimator:
  - Spearman between the estimated impacts and the planted order (share x own effect),
  - how often the 95% interval holds the estimator's own planted figure (coverage),
  - on null exports (no effects at all), the share of themes flagged: by "interval excludes 0",
    and by the flag the pipeline uses (bootstrap p-value, Benjamini-Hochberg q < 0.05).

Then, for the key driver on every scale (planted scores mapped onto stars, CSAT, CES, NPS, a 1-10
rating and a 0-100 score, each under a header that names it): the scale detected, Spearman with
the planted order, coverage, and the null flag rate; and the "what changed" decomposition of a
planted change from Q3 to Q4 (refund complaints grow in the last quarter, support's effect
doubles): how often each sign is right and how often the intervals hold the population's figures.

    python benchmarks/impact_planted.py [--n 2000] [--reps 50]
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from common import add_readme_flag, show
from themes.analysis import scales as metrics
from themes.analysis.breakdown import change_decomposition
from themes.analysis.impact import driver_impact, theme_impact
from themes.testing import planted_export

HEADERS = {"stars": "stars", "csat": "CSAT", "ces": "Customer effort (CES)", "nps": "Likelihood to recommend",
           "rating10": "Overall rating", "rating100": "Score (0-100)"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--boot", type=int, default=500)
    add_readme_flag(parser)
    args = parser.parse_args()
    estimators = {"leave-one-out": (theme_impact, "loo_truth"), "key driver (ridge)": (driver_impact, "driver_truth"),
                  "key driver, prior 10 (the pipeline's)": (partial(driver_impact, prior_comments=10), "driver_truth")}
    rows = []
    for name, (estimate, truth_name) in estimators.items():
        rho, covered, flagged, flagged_bh, seconds = [], [], [], [], 0.0
        for rep in range(args.reps):
            planted = planted_export(args.n, seed=rep, population=100_000)
            values = metrics.NPS.values(planted.frame["score"])
            started = time.perf_counter()
            result = estimate(values, planted.member, n_boot=args.boot, seed=rep)
            seconds += time.perf_counter() - started
            order = np.array([planted.driver_truth[t] for t in planted.themes])  # share x own effect
            rho.append(spearmanr(result.impact, order).statistic)
            own = np.array([getattr(planted, truth_name)[t] for t in planted.themes])
            covered.extend((result.low <= own) & (own <= result.high))
            null = planted_export(args.n, seed=1000 + rep, null=True, population=20_000)
            nres = estimate(metrics.NPS.values(null.frame["score"]), null.member, n_boot=args.boot, seed=rep)
            flagged.extend((nres.low > 0) | (nres.high < 0))
            flagged_bh.extend(nres.q_value < 0.05)
        rows.append({"estimator": name, "spearman_vs_planted_order": round(float(np.mean(rho)), 3),
                     "spearman_min": round(float(np.min(rho)), 3),
                     "coverage_95": round(float(np.mean(covered)), 3),
                     "null_flag_rate_interval": round(float(np.mean(flagged)), 3),
                     "null_flag_rate_BH": round(float(np.mean(flagged_bh)), 3),
                     "ms_per_run": round(1000 * seconds / args.reps, 1)})
    print(f"{args.reps} planted exports of {args.n} respondents, {args.boot} bootstrap draws")
    show("impact_planted", rows, args)
    print(f"\nkey driver per scale ({args.reps} exports each; prior_comments 10 as in the pipeline)")
    show("impact_planted per scale", [by_scale(name, args) for name in HEADERS], args)
    print(f"\nwhat changed Q3 -> Q4 ({args.reps} exports; truths from the population)")
    show("impact_planted what changed", change_table(args), args)


def by_scale(name: str, args) -> dict:
    detected, rho, covered, flagged = set(), [], [], []
    for rep in range(args.reps):
        planted = planted_export(args.n, seed=rep, scale=name, population=100_000)
        scale, _ = metrics.detect_scale(planted.frame["score"], [HEADERS[name]])
        detected.add(scale.name)
        result = driver_impact(scale.values(planted.frame["score"]), planted.member, n_boot=args.boot, seed=rep,
                               factor=scale.factor, prior_comments=10)
        truth = np.array([planted.driver_truth[t] for t in planted.themes])
        rho.append(spearmanr(result.impact, truth).statistic)
        covered.extend((result.low <= truth) & (truth <= result.high))
        null = planted_export(args.n, seed=1000 + rep, null=True, scale=name, population=20_000)
        nres = driver_impact(scale.values(null.frame["score"]), null.member, n_boot=args.boot, seed=rep,
                             factor=scale.factor, prior_comments=10)
        flagged.extend(nres.q_value < 0.05)
    return {"scale": name, "header": HEADERS[name], "detected": ",".join(sorted(detected)),
            "spearman": round(float(np.mean(rho)), 3), "spearman_min": round(float(np.min(rho)), 3),
            "coverage_95": round(float(np.mean(covered)), 3), "null_flag_rate_BH": round(float(np.mean(flagged)), 3)}


def change_table(args) -> pd.DataFrame:
    stats = {"delta": [], "refund volume < 0": [], "support score < 0": [], "totals covered": [],
             "residual covered": []}
    for rep in range(args.reps):
        planted = planted_export(args.n, seed=rep, emerging="refund", worsening="support", population=100_000)
        quarters = planted.frame["date"].dt.quarter.map(lambda q: f"Q{q}")
        got = change_decomposition(metrics.NPS.values(planted.frame["score"]), planted.member, planted.themes,
                                   quarters, n_boot=args.boot, seed=rep)
        truth = {c["theme_id"]: c for c in planted.change_truth["contributions"]}
        mine = {c["theme_id"]: c for c in got["contributions"]}
        stats["delta"].append(got["delta"])
        stats["refund volume < 0"].append(mine["refund"]["volume_effect"] < 0)
        stats["support score < 0"].append(mine["support"]["score_effect"] < 0)
        stats["totals covered"].extend(mine[t]["low"] <= truth[t]["total"] <= mine[t]["high"] for t in truth)
        residual = planted.change_truth["residual"]
        stats["residual covered"].append(got["residual_low"] <= residual <= got["residual_high"])
    return pd.DataFrame([{"figure": k, "mean": round(float(np.mean(v)), 3)} for k, v in stats.items()])


if __name__ == "__main__":
    main()
