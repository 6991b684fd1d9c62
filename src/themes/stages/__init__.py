"""Pipeline stages, registered by name (as spaCy registers components) and listed in a
pipeline YAML. Each stage reads and writes named columns of the run's tables."""

from __future__ import annotations

# importing the modules registers their stages
from . import clean, code, discover, embed, flags, impact, label, language, sentiment, split  # noqa: F401
from .base import STAGES, Stage, State, build_stage

__all__ = ["STAGES", "Stage", "State", "build_stage"]
