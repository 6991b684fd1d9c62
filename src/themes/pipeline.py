"""Run the stages of a pipeline config over a loaded input, timing each one."""

from __future__ import annotations

import time

from .config import PipelineConfig
from .stages import State, build_stage


def run_pipeline(state: State, config: PipelineConfig, say=None) -> State:
    stages = [build_stage(name, params) for name, params in config.stages]  # fail fast on bad config
    timings = state.summary.setdefault("timings_s", {})
    for stage in stages:
        started = time.perf_counter()
        if say:
            say(f"[{stage.name}]")
        stage.run(state)
        timings[stage.name] = round(time.perf_counter() - started, 3)
    return state
