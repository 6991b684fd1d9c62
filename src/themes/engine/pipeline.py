"""Run the stages of a pipeline config over a loaded input, timing each one."""

from __future__ import annotations

import time

from ..stages import State, build_stage
from .config import PipelineConfig
from .memory import release_free_memory


def run_pipeline(state: State, config: PipelineConfig) -> State:
    stages = [build_stage(name, params) for name, params in config.stages]  # fail fast on bad config
    for stage in stages:
        stage.prepare(state)
    timings = state.summary.setdefault("timings_s", {})
    bar = state.progress(total=len(stages), desc="stages", unit="stage") if state.progress else None
    on_stage = state.options.on_stage  # a service's job reports progress through this
    # the vectors (the run's largest object) are let go once the last stage that reads them is
    # done: labels, impact and writing the outputs need only the tables
    last_reader = max((i for i, stage in enumerate(stages) if stage.reads_vectors), default=None)
    for i, stage in enumerate(stages):
        if bar:
            bar.set_postfix_str(stage.name)
        if on_stage:
            on_stage(stage.name, "running")
        started = time.perf_counter()
        stage.run(state)
        timings[stage.name] = round(time.perf_counter() - started, 3)
        if i == last_reader:
            state.comment_vectors = state.mention_vectors = None
        release_free_memory()  # what the stage dropped goes back to the OS, not kept for the next
        if on_stage:
            on_stage(stage.name, "done")
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return state
