"""Run options: what a run is told beside its pipeline and its columns. One typed definition
that the Python API builds from its keywords (the CLI and the service call the API), and one
precedence rule: an option given explicitly > the pipeline YAML's setting > the stage's default.

Options that are a stage's settings (the embedding model, the sentiment head, the number of
themes, the trend period) are laid over the pipeline's settings by ``configure``, as a YAML's
``override`` lays its settings over the pipeline it extends: stages read only their own
settings. The rest are run-level and typed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import ThemesError
from .config import PipelineConfig, override

# option -> the (stage, setting) pairs it sets when given
STAGE_SETTINGS: dict[str, list[tuple[str, str]]] = {
    "model": [("embed", "model")],
    # discover reads the sentiment head's score to remove tone; a pipeline with `tone: null` keeps it off
    "sentiment_model": [("sentiment", "model"), ("discover", "tone")],
    "n_themes": [("discover", "n_themes")],
    "period": [("impact", "period")],
}
PERIODS = ("quarter", "month")


@dataclass
class RunOptions:
    model: str | None = None  # a sentence-transformers folder or a bundled model's name (embed.model)
    sentiment_model: str | None = None  # a sentiment head's folder (sentiment.model, discover.tone)
    default_language: str | None = None  # for text too short to tell
    label_language: str = "en"
    n_themes: int | None = None  # a fixed number of top-level themes (discover.n_themes)
    seed: int | None = None  # None: the pipeline's
    theme_model: Any = None  # a saved theme (or code) model to apply instead of fitting one
    mask: bool = True  # personal data masked in every output
    scale: Any = None  # the score's metrics.Scale, as the loader found it
    segments: list[str] = field(default_factory=list)
    period: str | None = None  # quarter or month (impact.period)
    on_stage: Callable[[str, str], None] | None = None  # told each stage's start and end (the service)
    theme_labels: dict[str, str] | None = None  # a codeframe's names for theme ids
    calibrate_sentiment: bool = False
    codebook: Any = None  # a themes.coding.Codebook (the coding pipeline)
    coded: dict[str, set[str]] | None = None  # a hand-coded sample: comment id -> codes
    # the dask engine: the driver's sentiment calibration for every partition, as (offset,) once fitted
    sentiment_shift: tuple | None = None

    def __post_init__(self) -> None:
        if self.period is not None and self.period not in PERIODS:
            raise ThemesError(f"--period must be quarter or month, got '{self.period}'")
        if self.n_themes is not None and int(self.n_themes) < 1:
            raise ThemesError(f"--themes must be at least 1, got {self.n_themes}")
        if self.seed is not None:
            self.seed = int(self.seed)

    def for_workers(self) -> RunOptions:
        """What a Dask worker needs: no callables, no model it does not use."""
        return replace(self, on_stage=None, theme_model=None)

    def summary(self) -> dict[str, Any]:
        """The options as summary.json reports them."""
        hidden = {"theme_model", "scale", "segments", "on_stage", "theme_labels", "codebook", "coded",
                  "sentiment_shift"}
        return {name: (str(value) if value is not None and name != "mask" else value)
                for name, value in vars(self).items() if name not in hidden}


def configure(config: PipelineConfig, options: RunOptions) -> PipelineConfig:
    """``config`` with the options given laid over its stages' settings by the same ``override`` a
    pipeline YAML uses, and ``options.seed`` set (the pipeline's seed when none was given)."""
    present = dict(config.stages)
    changes: dict[str, dict[str, Any]] = {}
    for option, targets in STAGE_SETTINGS.items():
        value = getattr(options, option)
        for stage, setting in targets:
            off = setting == "tone" and "tone" in present.get(stage, {}) and not present[stage]["tone"]
            if value is not None and stage in present and not off:
                changes.setdefault(stage, {})[setting] = value
    if options.seed is None:
        options.seed = config.seed
    return PipelineConfig(name=config.name, stages=override(config.stages, changes, config.source or config.name),
                          seed=options.seed, source=config.source)
