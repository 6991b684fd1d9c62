"""Pipelines are built from YAML; stages are registered by name and validate their settings."""

import pandas as pd
import pytest

from themes.config import load_config
from themes.errors import ThemesError
from themes.stages import STAGES, State, build_stage


def test_default_pipeline_builds_every_stage_in_order():
    config = load_config()
    assert [name for name, _ in config.stages] == ["clean", "language", "split", "embed", "discover",
                                                   "sentiment", "flags", "label", "impact"]
    for name, params in config.stages:
        assert build_stage(name, params).name == name


def test_unknown_stage_and_setting_are_refused_with_the_valid_ones():
    with pytest.raises(ThemesError, match="unknown pipeline stage 'cluster'"):
        build_stage("cluster", {})
    with pytest.raises(ThemesError, match=r"stage 'split' has no setting max_clause.*max_clauses"):
        build_stage("split", {"max_clause": 3})


def test_a_custom_pipeline_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nseed: 7\nstages:\n  - clean\n  - split: {max_clauses: 2}\n")
    config = load_config(path)
    assert config.name == "mine" and config.seed == 7
    assert config.stages == [("clean", {}), ("split", {"max_clauses": 2})]
    with pytest.raises(ThemesError, match="no such pipeline"):
        load_config(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("stages: [: oops")
    with pytest.raises(ThemesError, match="not valid YAML"):
        load_config(tmp_path / "bad.yaml")


def test_text_stages_on_a_table():
    comments = pd.DataFrame({"id": ["a", "b", "c"], "lang_hint": ["", "", "lv"],
                             "text": ["<b>Fast delivery</b> but the courier was rude http://x.co",
                                      "Доставка быстрая, но курьер хамил", "ok"]})
    state = State(comments=comments)
    for name in ("clean", "language", "split"):
        STAGES[name]().run(state)
    assert state.comments["clean_text"][0] == "Fast delivery but the courier was rude"
    assert state.comments["language"].tolist() == ["en", "ru", "lv"]  # the hint wins for "ok"
    m = state.mentions
    assert m.groupby("id").size().to_dict() == {"a": 2, "b": 2, "c": 1}
    assert m.loc[m["id"] == "b", "span"].tolist() == ["Доставка быстрая", "но курьер хамил"]
