"""The pipeline on a Dask cluster (``--engine dask``): the same stages, the same result.

Where each stage runs:
  workers, per export file: reading and parsing (a folder of Parquet/CSV partitions is one file
      per task; the files must be readable from the workers);
  workers, per partition of the comments: clean, language, split, embed (the slow part),
      then, with the theme model broadcast, the assignment half of discover, sentiment, flags;
  driver: checking and validating the rows read (ids, scores, dates, the rejects file need the
      whole picture), the fit half of discover (on the comment vectors, which it gathers: the model is fitted
      exactly as the local engine fits it, on the same seeded sample) and the table-wide stages
      label and impact (on the tables, without vectors).
Mention vectors never leave the workers; the driver holds the tables and the comment vectors
(one vector per comment).

Partitions are contiguous slices of the loaded comments, so the result is the same as the local
engine's for the same input, config and seed (tests/test_dask_engine.py); embeddings computed in
different batches can differ in the last float bits, which the embedding cache removes.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ThemesError
from ..io.read import read_table
from ..stages import STAGES, State, build_stage
from .config import PipelineConfig

log = logging.getLogger(__name__)  # notes for the person running it; the CLI shows them


def _plan(config: PipelineConfig) -> tuple[list, tuple, list, list]:
    """From the stages' declarations (``Stage.per_row``, ``Stage.splits``): the per-row stages
    before the splitting one, that stage, the per-row stages after it, and the table stages
    (run on the driver at the end)."""
    kinds = []
    for name, _ in config.stages:
        if name not in STAGES:
            raise ThemesError(f"unknown pipeline stage '{name}' (known: {', '.join(sorted(STAGES))})")
        cls = STAGES[name]
        kinds.append("split" if cls.splits else "row" if cls.per_row else "table")
    if kinds.count("split") != 1:
        raise ThemesError("the dask engine needs exactly one stage that is fitted on the table and applied per "
                          f"row (discover); this pipeline has {kinds.count('split')}")
    at = kinds.index("split")
    if "table" in kinds[:at] or kinds[at + 1:] != sorted(kinds[at + 1:], key=lambda k: k == "table"):
        raise ThemesError("the dask engine runs per-row stages before the table-wide ones (label, impact): "
                          "reorder the pipeline")
    after = config.stages[at + 1:]
    return (config.stages[:at], config.stages[at],
            [s for s, k in zip(after, kinds[at + 1:]) if k == "row"],
            [s for s, k in zip(after, kinds[at + 1:]) if k == "table"])


# ---------------------------------------------------------------- worker tasks (module level: picklable)
def _threads_for_this_worker() -> None:
    try:
        from distributed import get_worker

        os.environ.setdefault("THEMES_THREADS", str(get_worker().state.nthreads))
    except (ImportError, ValueError):
        pass


def _run_rows(state: State, stages: list[tuple[str, dict]]) -> State:
    """Run row-local stages over one partition's state (on a worker)."""
    _threads_for_this_worker()
    built = [build_stage(name, params) for name, params in stages]
    for stage in built:
        stage.prepare(state)
    timings = state.summary.setdefault("timings_s", {})
    for stage in built:
        started = time.perf_counter()
        stage.run(state)
        timings[stage.name] = round(time.perf_counter() - started, 3)
    return state


def _comment_vectors(state: State) -> tuple[np.ndarray, np.ndarray]:
    # plain rows: the partition's shared table also holds its mentions' vectors
    return np.asarray(state.comment_vectors), state.comments["language"].to_numpy()


def _mention_similarity(state: State, model) -> np.ndarray:
    return model.assign(state.mention_vectors, state.mentions["language"].to_numpy()).similarity


def _assign_then_rows(state: State, model, split: tuple[str, dict], stages: list[tuple[str, dict]],
                      updates: dict) -> State:
    for key, value in updates.items():  # what the driver fitted over all comments (before_rows)
        setattr(state.options, key, value)
    build_stage(*split).assign(state, model)
    return _run_rows(state, stages)


def _tables(state: State) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    return state.comments, state.mentions, state.summary


# ---------------------------------------------------------------- driver
@contextlib.contextmanager
def session(scheduler: str | None = None, workers: int = 2):
    """A client for ``scheduler`` (an address), or for a LocalCluster of ``workers`` processes
    with one thread each when no address is given; closed (and the cluster stopped) on exit."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ThemesError("the dask engine needs its extra: pip install 'themes[dask]'") from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise ThemesError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               env={"OMP_WAIT_POLICY": "PASSIVE", "THEMES_THREADS": "1"})
        client = Client(cluster)
    try:
        log.info(f"dask: {len(client.scheduler_info()['workers'])} workers at {client.scheduler.address}")
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def read_on(client, paths: list[Path]) -> list:
    """Read export files on the workers, one task per file (load_inputs' ``read_many``)."""

    return client.gather(client.map(read_table, [str(p) for p in paths], pure=False))


def run_dask(state: State, config: PipelineConfig, client, *, partition_size: int = 5000,
             ) -> State:
    """Run ``config`` over ``state`` with ``client`` (see ``session``); the state the local engine
    would return."""
    before, split, after, driver = _plan(config)
    # every stage built and prepared here first: settings and files fail before the slow work, and
    # the driver's own steps (discover's fit, sentiment's calibration, flag counts, label, impact)
    # use these instances; the workers build their own from the same config
    built = {name: build_stage(name, params) for name, params in config.stages}
    for stage in built.values():
        stage.prepare(state)
    discover = built[split[0]]
    timings = state.summary.setdefault("timings_s", {})
    on_stage = state.options.on_stage
    worker_options = state.options.for_workers()
    n = len(state.comments)
    # at least one partition per worker thread, or a small export would keep all but one idle
    n_parts = max(1, -(-n // partition_size), min(sum(client.nthreads().values()), n))
    bounds = np.linspace(0, n, n_parts + 1).astype(int)
    parts = [State(comments=state.comments.iloc[a:b].reset_index(drop=True), options=worker_options)
             for a, b in itertools.pairwise(bounds) if b > a]

    log.info(f"dask: {len(parts)} partitions of up to {int(np.diff(bounds).max())} comments")
    started = time.perf_counter()
    if on_stage:
        on_stage("workers: " + ", ".join(n for n, _ in before), "running")
    futures = client.map(_run_rows, parts, stages=before, pure=False)
    gathered = client.gather(client.map(_comment_vectors, futures, pure=False))
    state.comment_vectors = np.vstack([v for v, _ in gathered])
    languages = np.concatenate([lang for _, lang in gathered])
    timings["workers: " + "+".join(n for n, _ in before)] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    model = state.options.theme_model
    if model is None:
        model = discover.fit(state.comment_vectors, languages, state.options.seed, state.embedding, state.clean_texts())
        model_future = client.scatter(model, broadcast=True)
        similarity = client.gather(client.map(_mention_similarity, futures, model=model_future, pure=False))
        discover.cap(model, np.concatenate(similarity))
    timings["driver: discover fit"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    updates: dict = {}
    for name, _ in after:  # what a per-row stage fits once over all comments (the sentiment calibration)
        updates.update(built[name].before_rows(state))
    model_future = client.scatter(model, broadcast=True)
    futures = client.map(_assign_then_rows, futures, model=model_future, split=split, stages=after,
                         updates=updates, pure=False)
    tables = client.gather(client.map(_tables, futures, pure=False))
    timings["workers: assign+" + "+".join(n for n, _ in after)] = round(time.perf_counter() - started, 3)

    _merge(state, tables)
    discover.finish(state, model)
    for name, _ in after:
        built[name].after_rows(state)
    for name, _ in driver:
        started = time.perf_counter()
        built[name].run(state)
        timings[name] = round(time.perf_counter() - started, 3)
    state.summary["engine"] = {"name": "dask", "scheduler": str(client.scheduler.address),
                               "workers": len(client.scheduler_info()["workers"]), "partitions": len(parts)}
    return state


def _merge(state: State, tables: list[tuple[pd.DataFrame, pd.DataFrame, dict]]) -> None:
    """The partitions' tables as one; mentions point at comments by position, so shift them."""
    comments, mentions, offset = [], [], 0
    for c, m, _ in tables:
        m = m.copy()
        m["comment"] = m["comment"] + offset
        offset += len(c)
        comments.append(c)
        mentions.append(m)
    state.comments = pd.concat(comments, ignore_index=True)
    state.mentions = pd.concat(mentions, ignore_index=True)
    summaries = [s for _, _, s in tables]
    if "sentiment_model" in summaries[0]:
        state.summary["sentiment_model"] = summaries[0]["sentiment_model"]
    embedding = [s["embedding"] for s in summaries if "embedding" in s]
    if embedding:  # counts add up over partitions (a text repeated across partitions counts in each)
        state.summary["embedding"] = embedding[0] | {k: sum(e[k] for e in embedding)
                                                     for k in ("texts", "unique", "from_cache", "computed")}
