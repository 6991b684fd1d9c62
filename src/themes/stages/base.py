"""What every stage shares: the run's state and the registry."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..embedding.rows import SharedRows
from ..engine.blocks import TextColumns
from ..engine.options import RunOptions
from ..errors import ThemesError


@dataclass
class State:
    """The tables a run builds up: one row per comment, one row per mention (a clause that
    carries a theme), plus their embeddings and the theme table."""

    comments: pd.DataFrame
    options: RunOptions = field(default_factory=RunOptions)  # run-level, typed (options.py)
    mentions: pd.DataFrame | None = None
    # the embed stage's vectors are SharedRows (each distinct text's once); callers may pass arrays
    mention_vectors: np.ndarray | SharedRows | None = None
    comment_vectors: np.ndarray | SharedRows | None = None
    embedding: Any = None  # the ModelSpec the embed stage resolved (in prepare)
    theme_member: pd.DataFrame | None = None  # comment x theme id -> mentions it (the impact stage)
    theme_model: Any = None
    themes: pd.DataFrame | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # extra outputs: segments, periods
    progress: Callable | None = None  # a tqdm-like factory, or None for silence
    cleaner: Callable[[str], str] | None = None  # the clean stage's settings, as a function of a text

    def clean_texts(self) -> TextColumns:
        """The comments' cleaned texts (the clean stage's cleaner over ``comments.text``; the text
        as it is without one), cleaned as a block of rows is read. Not a column: a second copy of
        every comment's text held from cleaning to scoring was the largest thing beyond the output
        tables on large exports, and a pass of the cleaner is cheap (text.clean)."""
        return TextColumns((self.comments["text"], self.cleaner))


class Stage:
    """A step of the pipeline. Subclasses set ``name`` and implement ``run``; their
    ``__init__`` keyword arguments are the settings allowed in the YAML.

    Each declares what it reads and writes (``reads``, ``writes``: "comments.<column>",
    "mentions.<column>", a State field) and how it may be spread (the Dask engine plans from
    these alone): ``per_row`` stages compute each comment's rows from those rows only, so they
    run on partitions of the comments; ``splits`` marks the one stage that is fitted on the
    whole table and then applied per row (``fit`` on the driver, ``assign`` on partitions);
    any other stage runs on the driver over the whole table, after the per-row ones."""

    name: ClassVar[str]
    reads: ClassVar[tuple[str, ...]] = ()
    writes: ClassVar[tuple[str, ...]] = ()
    per_row: ClassVar[bool] = False
    splits: ClassVar[bool] = False
    reads_vectors: ClassVar[bool] = False  # uses state.comment_vectors / mention_vectors

    def prepare(self, state: State) -> None:
        """Cheap checks and set-up; every stage's prepare runs before any stage's run, so a
        misconfiguration fails before the slow work starts."""

    def run(self, state: State) -> None:
        raise NotImplementedError

    def before_rows(self, state: State) -> dict[str, Any]:
        """On the driver, before the partitions run this per-row stage: what it must fit over all
        comments first, as RunOptions fields to hand every partition (none by default)."""
        return {}

    def after_rows(self, state: State) -> None:
        """On the driver, once the partitions' tables are merged: what this per-row stage sums up
        over all comments (nothing by default)."""


STAGES: dict[str, type[Stage]] = {}


def register(cls: type[Stage]) -> type[Stage]:
    STAGES[cls.name] = cls
    return cls


def build_stage(name: str, params: dict[str, Any]) -> Stage:
    if name not in STAGES:
        raise ThemesError(f"unknown pipeline stage '{name}' (known: {', '.join(sorted(STAGES))})")
    cls = STAGES[name]
    allowed = set(inspect.signature(cls.__init__).parameters) - {"self"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ThemesError(f"stage '{name}' has no setting {', '.join(unknown)} "
                          f"(settings: {', '.join(sorted(allowed)) or 'none'})")
    return cls(**params)
