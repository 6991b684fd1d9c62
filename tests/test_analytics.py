"""The NPS analytics on exports with planted truth (themes.testing.planted_export)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from themes import metrics
from themes.breakdown import emerging_themes, period_labels, period_table, segment_table
from themes.impact import driver_impact, theme_impact
from themes.testing import planted_export


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_driver_ranking_matches_the_planted_order(seed):
    planted = planted_export(2000, seed=seed, population=50_000)
    result = driver_impact(metrics.NPS.values(planted.frame["score"]), planted.member, n_boot=100, seed=seed)
    order = [planted.driver_truth[t] for t in planted.themes]
    assert spearmanr(result.impact, order).statistic >= 0.9


def test_intervals_hold_the_planted_impact_in_90_percent_of_repetitions():
    covered = []
    for seed in range(12):
        planted = planted_export(2000, seed=seed, population=50_000)
        values = metrics.NPS.values(planted.frame["score"])
        for estimate, truth in ((driver_impact, planted.driver_truth), (theme_impact, planted.loo_truth)):
            result = estimate(values, planted.member, n_boot=300, seed=seed)
            own = np.array([truth[t] for t in planted.themes])
            covered.extend((result.low <= own) & (own <= result.high))
    assert np.mean(covered) >= 0.9, np.mean(covered)


def test_co_occurrence_misleads_leave_one_out_but_not_the_driver_model():
    """'checkout' has no effect of its own but comes with delivery complaints."""
    planted = planted_export(4000, seed=3, population=50_000)
    values = metrics.NPS.values(planted.frame["score"])
    j = planted.themes.index("checkout")
    loo = theme_impact(values, planted.member, n_boot=200)
    driver = driver_impact(values, planted.member, n_boot=200)
    assert loo.high[j] < 0  # LOO blames it
    assert driver.low[j] <= 0 <= driver.high[j]  # the driver model does not


def test_the_over_represented_segment_and_the_emerging_theme_are_found():
    planted = planted_export(2000, seed=4, population=10_000)
    values = metrics.NPS.values(planted.frame["score"])
    table = segment_table(values, planted.member, planted.themes, planted.frame[["channel"]], metrics.NPS,
                          n_boot=50)
    flagged = table[table["over_represented"].fillna(False).astype(bool)]
    assert set(zip(flagged["value"], flagged["theme_id"])) == {planted.over_represented}
    labels = period_labels(planted.frame["date"])
    emerging = emerging_themes(planted.member, labels)
    assert [planted.themes[i] for i in np.flatnonzero(emerging["emerging"])] == [planted.emerging]


def test_nothing_is_flagged_on_null_data():
    flags, tests = 0, 0
    for seed in range(10):
        null = planted_export(2000, seed=100 + seed, null=True, population=5_000)
        values = metrics.NPS.values(null.frame["score"])
        result = driver_impact(values, null.member, n_boot=200, seed=seed)
        table = segment_table(values, null.member, null.themes, null.frame[["channel"]], metrics.NPS, n_boot=20)
        emerging = emerging_themes(null.member, period_labels(null.frame["date"]))
        theme_rows = table[table["theme_id"] != ""]
        flags += int((result.q_value < 0.05).sum() + theme_rows["over_represented"].sum() + emerging["emerging"].sum())
        tests += len(null.themes) + len(theme_rows) + len(null.themes)
    assert flags / tests <= 0.05, (flags, tests)


# ------------------------------------------------------------------ edge cases
@pytest.mark.parametrize("estimate", [theme_impact, driver_impact])
def test_bootstrap_in_blocks_gives_the_draws_of_one_block(monkeypatch, estimate):
    """Draws are computed in blocks so that memory does not grow with the export; any block size
    must give the same intervals and p-values as all draws at once."""
    import themes.impact

    rng = np.random.default_rng(3)
    member = rng.random((3000, 6)) < 0.25
    values = np.where(rng.random(3000) < 0.1, np.nan, rng.choice([-1.0, 0.0, 1.0], 3000))
    found = {}
    for size in (10**9, 1500, 1):  # all draws at once; a few; one a block (the floor)
        monkeypatch.setattr(themes.impact, "DRAW_CELLS_PER_BLOCK", size)
        found[size] = estimate(values, member, n_boot=101)
    for size in (1500, 1):
        for field in ("impact", "low", "high", "p_value"):
            np.testing.assert_array_equal(getattr(found[size], field), getattr(found[10**9], field))
    assert np.isfinite(found[10**9].low).all() and (found[10**9].low < found[10**9].high).all()
    empty = estimate(values, member, n_boot=0)
    assert np.isnan(empty.low).all() and np.isfinite(empty.impact).all()


def test_a_theme_in_every_comment_has_no_impact_but_others_do():
    planted = planted_export(500, seed=5, population=5_000)
    member = np.column_stack([np.ones(500, bool), planted.member])
    values = metrics.NPS.values(planted.frame["score"])
    for estimate in (theme_impact, driver_impact):
        result = estimate(values, member, n_boot=50)
        assert np.isnan(result.impact[0]) and np.isfinite(result.impact[1:]).all()


def test_a_theme_absent_in_a_period_has_share_zero_there():
    planted = planted_export(800, seed=6, population=5_000)
    member = planted.member.copy()
    labels = period_labels(planted.frame["date"])
    member[labels.to_numpy() == "2024Q2", 0] = False
    table = period_table(metrics.NPS.values(planted.frame["score"]), member, planted.themes, labels, metrics.NPS)
    row = table[(table["period"] == "2024Q2") & (table["theme_id"] == planted.themes[0])]
    assert row["share"].item() == 0 and row["theme_comments"].item() == 0


def test_a_segment_with_three_responses_is_reported_and_marked_too_small():
    planted = planted_export(600, seed=7, population=5_000)
    segments = planted.frame[["channel"]].copy()
    segments.iloc[:3, 0] = "kiosk"
    table = segment_table(metrics.NPS.values(planted.frame["score"]), planted.member, planted.themes, segments,
                          metrics.NPS, n_boot=20)
    kiosk = table[table["value"] == "kiosk"]
    assert kiosk["too_small"].all() and kiosk["n_comments"].iloc[0] == 3
    assert kiosk["over_represented"].iloc[1:].eq(False).all()
    assert np.isfinite(kiosk["metric"].iloc[0])


def test_all_scores_equal():
    planted = planted_export(400, seed=8, population=5_000)
    values = metrics.NPS.values(np.full(400, 9.0))
    assert metrics.bootstrap_interval(values) == (100.0, 100.0)
    for estimate in (theme_impact, driver_impact):
        result = estimate(values, planted.member, n_boot=50)
        assert np.allclose(result.impact, 0, atol=1e-6) and not (result.q_value < 0.05).any()


# ------------------------------------------------------------------ scales
@pytest.mark.parametrize("scale, scores, expected", [
    (metrics.CSAT, [5, 4, 3, 1], 50.0),   # % satisfied (4-5)
    (metrics.CES, [7, 5, 4, 2, 1], 40.0),  # % low effort (5-7)
    (metrics.STARS, [5, 4, 1], 10 / 3),   # average stars
    (metrics.NPS, [10, 9, 8, 0], 25.0),
])
def test_scale_arithmetic_by_hand(scale, scores, expected):
    assert scale.metric(scale.values(np.array(scores, float))) == pytest.approx(expected)


@pytest.mark.parametrize("scores, name", [([1, 2, 5, 4], "csat"), ([1, 7, 4], "ces"), ([0, 10, 7], "nps"),
                                          ([2.5, 9.6, 7.1], "nps")])
def test_scale_is_detected_from_the_range(scores, name):
    assert metrics.detect_scale(pd.Series(scores))[0].name == name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_nps_equals_percent_promoters_minus_percent_detractors(scores):
    scores = np.array(scores, float)
    value = metrics.NPS.metric(metrics.NPS.values(scores))
    expected = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    assert value == pytest.approx(expected) and -100 <= value <= 100


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.booleans()), min_size=2, max_size=200))
def test_leave_one_out_identity(rows):
    scores = np.array([r[0] for r in rows], float)
    member = np.array([[r[1]] for r in rows])
    values = metrics.NPS.values(scores)
    result = theme_impact(values, member, n_boot=0)
    inside = member[:, 0]
    if inside.all():
        assert np.isnan(result.impact[0])
    elif inside.any():
        gap = metrics.NPS.metric(values[inside]) - metrics.NPS.metric(values[~inside])
        assert result.impact[0] == pytest.approx(inside.mean() * gap)
