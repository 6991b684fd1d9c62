import numpy as np
import pandas as pd
import pytest

from themes.analysis import scales as metrics


def test_groups_follow_the_nps_definition():
    scores = pd.Series([0, 6, 6.5, 7, 8, 8.9, 9, 10, np.nan])
    assert metrics.NPS.groups_of(scores).tolist() == [
        "detractor", "detractor", "detractor", "passive", "passive", "passive", "promoter", "promoter", ""]


@pytest.mark.parametrize("scores, expected", [
    ([10, 9, 7, 0], 25.0),            # 2 promoters, 1 detractor of 4
    ([7, 8, 7, 8], 0.0),              # all passives
    ([10], 100.0),                    # a single promoter
    ([3], -100.0),                    # a single detractor
    ([9, 9, 0, 0, 0, 8, 8, 8, 8, 8], -10.0),
])
def test_nps_hand_computed(scores, expected):
    values = metrics.NPS.values(np.array(scores, dtype=float))
    assert metrics.NPS.metric(values) == pytest.approx(expected)


def test_missing_scores_are_ignored_and_none_gives_nan():
    values = metrics.NPS.values(np.array([10, np.nan, 3, 9]))
    assert metrics.NPS.metric(values) == pytest.approx(100 * 1 / 3)
    assert np.isnan(metrics.NPS.metric(metrics.NPS.values(np.array([np.nan, np.nan]))))


@pytest.mark.parametrize("bad", [-1, 10.5, 11, 100])
def test_scores_outside_0_10_are_refused(bad):
    with pytest.raises(ValueError, match="outside 0-10"):
        metrics.NPS.group(bad)


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(0)
    values = rng.choice([1.0, 0.0, -1.0], size=400, p=[0.5, 0.3, 0.2])
    low, high = metrics.bootstrap_interval(values, seed=3)
    assert (low, high) == metrics.bootstrap_interval(values, seed=3)
    assert low < metrics.NPS.metric(values) < high
    # normal-approximation width for NPS at n=400 is about +-8.3 points
    assert 12 < high - low < 22


def test_interval_of_identical_answers_is_a_point():
    low, high = metrics.bootstrap_interval(np.ones(50))
    assert low == high == 100.0
