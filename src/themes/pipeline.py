"""Run the stages of a pipeline config over a loaded input, timing each one."""

from __future__ import annotations

import time

from .config import PipelineConfig
from .stages import State, build_stage


def run_pipeline(state: State, config: PipelineConfig) -> State:
    stages = [build_stage(name, params) for name, params in config.stages]  # fail fast on bad config
    for stage in stages:
        stage.prepare(state)
    timings = state.summary.setdefault("timings_s", {})
    bar = state.progress(total=len(stages), desc="stages", unit="stage") if state.progress else None
    on_stage = state.options.get("on_stage")  # a service's job reports progress through this
    for stage in stages:
        if bar:
            bar.set_postfix_str(stage.name)
        if on_stage:
            on_stage(stage.name, "running")
        started = time.perf_counter()
        stage.run(state)
        timings[stage.name] = round(time.perf_counter() - started, 3)
        if on_stage:
            on_stage(stage.name, "done")
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return state
