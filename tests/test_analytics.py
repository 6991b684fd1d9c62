"""The NPS analytics on exports with planted truth (themes.testing.planted_export)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from themes.analysis import scales as metrics
from themes.analysis.breakdown import change_decomposition, emerging_themes, period_labels, period_table, segment_table
from themes.analysis.impact import driver_impact, sentiment_impact, theme_impact
from themes.engine.options import RunOptions
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


@pytest.mark.parametrize("scale", ["stars", "csat", "ces", "rating10", "rating100"])
def test_every_scale_ranks_the_planted_themes_and_covers_their_impact(scale):
    planted = planted_export(2000, seed=11, scale=scale, population=50_000)
    sc = metrics.get_scale(scale)
    result = driver_impact(sc.values(planted.frame["score"]), planted.member, n_boot=200, seed=11,
                           factor=sc.factor, prior_comments=10)
    truth = np.array([planted.driver_truth[t] for t in planted.themes])
    assert spearmanr(result.impact, truth).statistic >= 0.9
    assert ((result.low <= truth) & (truth <= result.high)).mean() >= 0.75  # 8 themes, one export


def test_small_themes_shrink_toward_zero_and_large_ones_barely_move():
    rng = np.random.default_rng(0)
    member = np.column_stack([rng.random(3000) < 0.3, np.arange(3000) < 8])  # a big theme and one of 8 comments
    values = np.where(member[:, 0] | member[:, 1], -1.0, rng.choice([0.0, 1.0], 3000))
    raw = driver_impact(values, member, n_boot=0)
    shrunk = driver_impact(values, member, n_boot=0, prior_comments=10)
    kept = shrunk.with_value / raw.with_value  # the own effects
    assert kept[0] > 0.98 and 0.3 < kept[1] < 0.7  # about n / (n + 10) = 0.44 for the 8 comments


def test_what_changed_recovers_the_planted_change_and_adds_up():
    """Refund complaints become common in the last quarter, support's effect doubles there."""
    signs, covered = [], []
    for seed in range(5):
        planted = planted_export(3000, seed=seed, emerging="refund", worsening="support", population=50_000)
        quarters = planted.frame["date"].dt.quarter.map(lambda q: f"Q{q}")
        got = change_decomposition(metrics.NPS.values(planted.frame["score"]), planted.member, planted.themes,
                                   quarters, n_boot=200, seed=seed)
        assert (got["from"], got["to"]) == ("Q3", "Q4")
        total = sum(c["total"] for c in got["contributions"]) + got["residual"]
        assert total == pytest.approx(got["delta"], abs=0.1)
        mine = {c["theme_id"]: c for c in got["contributions"]}
        truth = {c["theme_id"]: c for c in planted.change_truth["contributions"]}
        signs += [mine["refund"]["volume_effect"] < 0, mine["support"]["score_effect"] < 0]
        covered += [mine[t]["low"] <= truth[t]["total"] <= mine[t]["high"] for t in truth]
    assert np.mean(signs) >= 0.8 and np.mean(covered) >= 0.85, (signs, np.mean(covered))
    assert change_decomposition(np.ones(10), np.ones((10, 1), bool), ["t"], pd.Series(["Q1"] * 10)) is None


def test_without_scores_a_theme_as_negative_as_the_export_is_not_flagged():
    """All complaints (mean sentiment -0.6 everywhere): no theme stands out, whatever its size."""
    rng = np.random.default_rng(1)
    flagged = 0
    for rep in range(10):
        member = rng.random((743, 12)) < rng.uniform(0.03, 0.3, 12)
        sentiment = np.clip(rng.normal(-0.6, 0.4, 743), -1, 1)
        flagged += int((sentiment_impact(sentiment, member, n_boot=200, seed=rep).q_value < 0.05).sum())
    assert flagged / 120 <= 0.05
    member = rng.random((743, 3)) < 0.2
    sentiment = np.where(member[:, 0], -0.9, np.clip(rng.normal(-0.3, 0.3, 743), -1, 1))
    result = sentiment_impact(sentiment, member, n_boot=200, seed=0)
    assert result.q_value[0] < 0.05 and result.impact[0] < 0  # the one more negative than the rest


# ------------------------------------------------------------------ edge cases
@pytest.mark.parametrize("estimate", [theme_impact, driver_impact])
def test_bootstrap_in_blocks_gives_the_draws_of_one_block(monkeypatch, estimate):
    """Draws are computed in blocks so that memory does not grow with the export; any block size
    must give the same intervals and p-values as all draws at once."""
    import themes.analysis.impact

    rng = np.random.default_rng(3)
    member = rng.random((3000, 6)) < 0.25
    values = np.where(rng.random(3000) < 0.1, np.nan, rng.choice([-1.0, 0.0, 1.0], 3000))
    found = {}
    for size in (10**9, 1500, 1):  # all draws at once; a few; one a block (the floor)
        monkeypatch.setattr(themes.analysis.impact, "DRAW_CELLS_PER_BLOCK", size)
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
                                          ([1, 10, 7], "rating10"), ([2.5, 9.6, 7.1], "rating10"),
                                          ([0, 55, 100], "rating100")])
def test_scale_is_detected_from_the_range(scores, name):
    assert metrics.detect_scale(pd.Series(scores))[0].name == name


@pytest.mark.parametrize("column, scores, name", [
    ("Likelihood to recommend", [1, 10, 7], "nps"), ("Насколько вероятно, что вы порекомендуете", [3, 9], "nps"),
    ("stars", [1, 5, 4], "stars"), ("Zvaigznes", [2, 5], "stars"), ("CES", [1, 5], "ces"),
    ("satisfaction", [1, 9, 7, 3], "rating10"),  # CSAT is 1-5: half the scores do not fit it, they decide
])
def test_scale_follows_the_header_where_the_scores_fit(column, scores, name):
    scale, why = metrics.detect_scale(pd.Series(scores, dtype=float), [column])
    assert scale.name == name and column in why
    assert ("do not fit" in why) == (name == "rating10")
    scale, why = metrics.detect_scale(pd.Series([0, 3, 9, 10, 11, 100], dtype=float), ["nps"])  # typos
    assert scale.name == "nps" and "33% outside its 0-10: rejected" in why


def test_a_1_10_rating_mostly_1_5_is_no_nps_and_says_so():
    scores = pd.Series([1, 2, 3, 4, 5] * 39 + [8, 10, 6, 9, 7], dtype=float)  # 97.5% 1-5, as on a review site
    scale, why = metrics.detect_scale(scores, ["Overall rating"])
    assert scale.name == "rating10" and "not NPS" in why and "only the lower part" in why
    assert scale.metric(scale.values(scores)) == pytest.approx(scores.mean())


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


def test_a_theme_in_most_comments_is_too_broad_to_rank_and_no_impact_passes_its_bound():
    """A catch-all theme (70% of comments) is marked, ranked after the others, and its impact and
    interval stay within 200 x share NPS points; the others are ranked as usual."""
    from themes.stages.base import State
    from themes.stages.impact import Impact

    planted = planted_export(1000, seed=9, population=5_000)
    member = planted.member[:, :3].copy()
    member[:, 0] |= np.random.default_rng(0).random(1000) < 0.7
    ids = ["t01", "t02", "t03"]
    primary = np.where(member[:, 0], "t01", np.where(member[:, 1], "t02", np.where(member[:, 2], "t03", "other")))
    comments = pd.DataFrame({"id": [f"c{i}" for i in range(1000)], "score": planted.frame["score"],
                             "nps_group": metrics.NPS.groups_of(planted.frame["score"]), "sentiment": 0.0,
                             "primary_theme": primary, "primary_subtheme": ""})
    rows, themes_of = np.nonzero(member)
    mentions = pd.DataFrame({"comment": rows, "order": 0, "theme_id": np.array(ids)[themes_of], "subtheme_id": "",
                             "sentiment": 0.0, "sentiment_label": "neutral"})
    table = pd.DataFrame({"theme_id": [*ids, "other"], "parent_id": "", "label": ["catch-all", "b", "c", "other"]})
    state = State(comments=comments, mentions=mentions, themes=table, options=RunOptions(seed=1, scale=metrics.NPS))
    Impact(bootstrap=200).run(state)
    got = state.themes.set_index("theme_id")
    assert got.loc["t01", "priority"] == "too broad" and got.loc["t01", "share"] > 0.5
    assert got.loc["t01", "rank"] == 3 and got.loc["other", "rank"] == 4  # after the themes it is broader than
    assert sorted(got.loc[["t02", "t03"], "rank"]) == [1, 2]
    bound = 200 * got["share"] + 0.01
    for column in ("impact_driver", "impact_driver_low", "impact_driver_high", "impact_loo_low", "impact_loo_high"):
        assert (got[column].abs() <= bound).all(), column
