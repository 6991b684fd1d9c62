import numpy as np
import pandas as pd
import pytest

from themes.analysis import scales as metrics
from themes.analysis.impact import sentiment_impact, theme_impact


def test_leave_one_out_impact_by_hand():
    # 6 respondents: P P P D D passive; theme A is mentioned by the two detractors + one promoter
    values = np.array([1, 1, 1, -1, -1, 0], dtype=float)
    member = np.array([[1, 0], [0, 1], [0, 0], [1, 0], [1, 1], [0, 0]], dtype=bool)
    result = theme_impact(values, member, n_boot=0)
    overall = 100 * (3 - 2) / 6
    without_a = 100 * (2 - 0) / 3  # P, P, passive
    without_b = 100 * (2 - 1) / 4  # P, P, D, passive
    assert result.impact[0] == pytest.approx(overall - without_a)
    assert result.impact[1] == pytest.approx(overall - without_b)
    assert result.with_value[0] == pytest.approx(100 * (1 - 2) / 3)


def test_impact_equals_share_times_gap():
    rng = np.random.default_rng(1)
    values = rng.choice([1.0, 0.0, -1.0], size=500)
    member = rng.random((500, 4)) < [0.1, 0.3, 0.5, 0.05]
    result = theme_impact(values, member, n_boot=0)
    for t in range(4):
        share = member[:, t].mean()
        gap = metrics.NPS.metric(values[member[:, t]]) - metrics.NPS.metric(values[~member[:, t]])
        assert result.impact[t] == pytest.approx(share * gap)


def test_theme_in_every_comment_has_no_impact_figure():
    values = np.array([1, -1, 0, 1], dtype=float)
    member = np.ones((4, 1), dtype=bool)
    assert np.isnan(theme_impact(values, member, n_boot=50).impact[0])


def test_missing_scores_are_left_out():
    values = np.array([1, np.nan, -1, np.nan], dtype=float)
    member = np.array([[1], [1], [0], [0]], dtype=bool)
    result = theme_impact(values, member, n_boot=0)
    assert result.impact[0] == pytest.approx(0 - (-100))


def test_bootstrap_intervals_cover_the_point_and_detect_a_planted_effect():
    rng = np.random.default_rng(2)
    n = 2000
    member = rng.random((n, 2)) < 0.2
    # theme 0 turns people into detractors; theme 1 does nothing
    p_detractor = np.where(member[:, 0], 0.8, 0.2)
    values = np.where(rng.random(n) < p_detractor, -1.0, rng.choice([1.0, 0.0], size=n))
    result = theme_impact(values, member, n_boot=400, seed=5)
    assert np.all(result.low <= result.impact) and np.all(result.impact <= result.high)
    assert result.high[0] < 0  # the harmful theme's interval is clearly below zero
    assert result.low[1] <= 0 <= result.high[1]  # the neutral theme's interval crosses zero


def test_without_scores_negative_frequent_themes_rank_lowest():
    sentiment = np.array([-0.9, -0.8, -0.7, 0.6, 0.8, 0.1])
    member = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 0]], dtype=bool)
    result = sentiment_impact(sentiment, member, n_boot=100)
    # share x (the theme's mean sentiment - the export's): 0.5 x (-0.8 - -0.15)
    assert result.impact[0] == pytest.approx(100 * 0.5 * (-0.8 + 0.15))
    assert result.impact[0] < 0 < result.impact[1]


@pytest.mark.parametrize("n_themes", [0, 1, 8, 9, 36])
def test_packed_cells_are_the_distinct_float_rows_in_their_order(n_themes):
    """The bootstrap draws over cells in the order np.unique gives the float (value, indicators)
    rows; packing the rows into bytes must keep both the cells and that order."""
    from themes.analysis.impact import _cells

    rng = np.random.default_rng(n_themes)
    values = rng.choice([-1.0, 0.0, 0.5, 1.0, np.nan], 3000)
    member = rng.random((3000, n_themes)) < 0.15
    keep = ~np.isnan(values)
    rows, counts = np.unique(np.column_stack([values[keep], member[keep]]), axis=0, return_counts=True)
    value, cell_member, cell_counts = _cells(values, member)
    assert np.array_equal(value, rows[:, 0]) and np.array_equal(cell_member, rows[:, 1:])
    assert np.array_equal(cell_counts, counts) and cell_counts.sum() == keep.sum()


def test_membership_made_a_block_of_rows_at_a_time_is_each_comments_themes(monkeypatch):
    """The impact stage's membership matrix: a comment mentions its primary theme and the theme of
    each of its clauses; ids outside the level ("" for none, other levels') are left out."""
    from themes.engine.blocks import row_blocks
    from themes.stages import impact as stage

    rng = np.random.default_rng(4)
    n, ids = 40, ["a", "b", "c"]
    primary = pd.Series(rng.choice(["a", "b", "c", "", "x.1"], n), index=np.arange(100, 100 + n), dtype="str")
    comment = pd.Series(rng.integers(0, n, 130))
    theme = pd.Series(rng.choice(["a", "b", "c", "", "x.1"], 130), dtype="str")
    expected = np.zeros((n, 3), bool)
    for row, t in [*zip(comment, theme), *enumerate(primary)]:
        if t in ids:
            expected[row, ids.index(t)] = True
    monkeypatch.setattr(stage, "row_blocks", lambda size: row_blocks(size, 7))
    member = stage._membership(n, primary, comment, theme, ids)
    np.testing.assert_array_equal(member, expected)
    assert expected.any() and not expected.all()
