"""--engine dask: the per-row stages on a Dask cluster give the local engine's result."""

from __future__ import annotations

import pandas as pd
import pytest

import themes
from themes.engine.config import PipelineConfig, load_config
from themes.engine.dask import _plan

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def _same(a, b):
    """Every id, label, theme and quote the same; scores to 1e-3 (the tables round them to 4
    decimals, and a worker sums a partition's rows in another order than the local engine)."""
    for name in ("comments", "mentions", "themes"):
        pd.testing.assert_frame_equal(getattr(a, name).reset_index(drop=True), getattr(b, name).reset_index(drop=True),
                                      check_dtype=False, check_exact=False, atol=1e-3, obj=name)


@pytest.mark.model
def test_dask_on_an_existing_cluster_equals_the_local_engine(sample_csv, cluster):
    # with sentiment calibrated on the scores: fitted once over all comments, as locally
    local = themes.analyze(sample_csv, segments=["channel"], calibrate_sentiment=True)
    spread = themes.analyze(sample_csv, segments=["channel"], calibrate_sentiment=True, engine="dask",
                            scheduler=cluster.scheduler_address, partition_size=150)
    assert spread.summary["engine"]["partitions"] == 4
    _same(local, spread)
    assert spread.tables.keys() == local.tables.keys()
    for name in local.tables:
        pd.testing.assert_frame_equal(local.tables[name], spread.tables[name], check_dtype=False, obj=name)
    assert spread.summary["flags"] == local.summary["flags"]
    assert spread.summary["counts"] == local.summary["counts"]
    assert spread.summary["sentiment_calibration"] == local.summary["sentiment_calibration"]
    assert local.summary["sentiment_calibration"]["labels_changed"] > 0


@pytest.mark.model
def test_dask_with_a_head_that_reads_text_equals_the_local_engine(sample_csv, cluster, tmp_path):
    """A retrained head with the lexical part reads each row's text on the workers, and the
    driver's calibration on scores reads the comments' texts gathered from them."""
    from themes.analysis.sentiment import train_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model

    frame = pd.read_csv(sample_csv)
    score = pd.to_numeric(frame["nps"], errors="coerce")
    keep = score.notna() & frame["comment"].fillna("").str.strip().ne("")
    texts = frame.loc[keep, "comment"].tolist()
    labels = score[keep].map(lambda s: "negative" if s <= 6 else "neutral" if s <= 8 else "positive").to_numpy()
    X, _ = embed_texts(texts, resolve_model())
    train_head(X, labels, texts=texts, members=1, hidden=16, n_features=2 ** 12).save(tmp_path / "head")
    options = {"calibrate_sentiment": True, "sentiment_model": str(tmp_path / "head")}
    local = themes.analyze(sample_csv, **options)
    spread = themes.analyze(sample_csv, engine="dask", scheduler=cluster.scheduler_address, partition_size=150,
                            **options)
    _same(local, spread)
    assert spread.summary["sentiment_calibration"] == local.summary["sentiment_calibration"]
    assert local.summary["sentiment_calibration"]["n_top"] > 30


@pytest.mark.model
def test_dask_applies_a_saved_model_like_the_local_engine(sample_csv, tmp_path):
    fitted = themes.analyze(sample_csv)
    local = themes.analyze(sample_csv, theme_model=fitted.theme_model)
    spread = themes.analyze(sample_csv, theme_model=fitted.theme_model, engine="dask", workers=2,
                            partition_size=200)  # no scheduler: a LocalCluster of its own
    assert spread.summary["engine"]["workers"] == 2
    _same(local, spread)
    assert (spread.comments["primary_theme"] == fitted.comments["primary_theme"]).all()


@pytest.mark.model
def test_a_folder_of_parquet_partitions_is_read_on_the_workers(sample_csv, tmp_path, cluster):
    folder = tmp_path / "export"
    folder.mkdir()
    frame = pd.read_csv(sample_csv, dtype=str, keep_default_na=False)
    for i, part in enumerate((frame.iloc[:250], frame.iloc[250:])):
        part.to_parquet(folder / f"part-{i}.parquet", index=False)
    local = themes.analyze(folder)
    spread = themes.analyze(folder, engine="dask", scheduler=cluster.scheduler_address, partition_size=300)
    assert set(local.comments["source"]) == {"part-0.parquet", "part-1.parquet"}
    assert local.summary["counts"]["read"] == 600 and len(local.rejects) == 3
    _same(local, spread)
    pd.testing.assert_frame_equal(local.rejects, spread.rejects)
    with pytest.raises(themes.ThemesError, match="no export files"):
        themes.analyze(_empty(tmp_path), engine="dask", scheduler=cluster.scheduler_address)


def _empty(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("not an export")
    return empty


def test_an_unreachable_scheduler_is_a_clear_error(sample_csv):
    with pytest.raises(themes.ThemesError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        themes.analyze(sample_csv, engine="dask", scheduler="tcp://127.0.0.1:9")


def test_the_plan_puts_row_stages_on_workers_and_table_stages_on_the_driver():
    before, split, after, driver = _plan(load_config())
    assert [n for n, _ in before] == ["clean", "language", "split", "embed"] and split[0] == "discover"
    assert [n for n, _ in after] == ["sentiment", "flags"]
    assert [n for n, _ in driver] == ["label", "impact"]
    stages = dict(load_config().stages)
    bad = PipelineConfig(name="bad", seed=1, source="test", stages=[
        ("clean", stages["clean"]), ("split", stages["split"]), ("embed", stages["embed"]),
        ("discover", stages["discover"]), ("label", stages["label"]), ("sentiment", stages["sentiment"])])
    with pytest.raises(themes.ThemesError, match="reorder"):
        _plan(bad)
    with pytest.raises(themes.ThemesError, match="exactly one stage that is fitted on the table"):
        _plan(PipelineConfig(name="bad", seed=1, source="test", stages=[("clean", stages["clean"])]))


@pytest.mark.model
def test_a_new_row_stage_runs_on_dask_with_no_engine_change(sample_csv):
    """The engine plans from the stages' declarations: a stage it has never heard of, declared
    per_row, runs on the partitions and its column comes back as the local engine's."""
    from themes.stages.base import STAGES, Stage, register

    @register
    class Shout(Stage):
        name = "shout"
        reads = ("comments.text",)
        writes = ("comments.shout",)
        per_row = True

        def run(self, state):
            state.comments["shout"] = [t.upper() for t in state.clean_texts().take(range(len(state.comments)))]

    try:
        config = load_config()
        config.stages.insert([n for n, _ in config.stages].index("flags") + 1, ("shout", {}))
        assert [n for n, _ in _plan(config)[2]] == ["sentiment", "flags", "shout"]
        captured = {}
        import themes.api

        original = themes.api.run_pipeline

        def keep(state, cfg):
            original(state, cfg)
            captured["local"] = state.comments["shout"].tolist()
        themes.api.run_pipeline = keep
        try:
            themes.analyze(sample_csv, config=config)
        finally:
            themes.api.run_pipeline = original
        from themes.engine import dask as dask_engine

        run_dask = dask_engine.run_dask

        def keep_dask(state, cfg, client, **options):
            run_dask(state, cfg, client, **options)
            captured["dask"] = state.comments["shout"].tolist()
        dask_engine.run_dask = keep_dask
        try:
            with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                          dashboard_address=":0") as cluster:
                themes.analyze(sample_csv, config=config, engine="dask", scheduler=cluster.scheduler_address,
                               partition_size=150)
        finally:
            dask_engine.run_dask = run_dask
        assert captured["dask"] == captured["local"] and captured["local"][0].isupper()
    finally:
        STAGES.pop("shout", None)
