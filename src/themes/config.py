"""Pipeline configuration: a YAML file naming the stages in order, each with its settings."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ThemesError
from .resources import resource_dir


@dataclass
class PipelineConfig:
    name: str
    stages: list[tuple[str, dict[str, Any]]]
    seed: int = 42
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "seed": self.seed,
                "stages": [{name: copy.deepcopy(params)} for name, params in self.stages]}


def load_config(spec: str | Path | None = None) -> PipelineConfig:
    """Load ``spec``: a path to a YAML file, or the name of a bundled pipeline (default: 'default')."""
    spec = spec or "default"
    path = Path(spec)
    if not path.is_file():
        bundled = resource_dir("pipelines") / f"{spec}.yaml"
        if not bundled.is_file():
            raise ThemesError(f"{spec}: no such pipeline file (and no bundled pipeline of that name)")
        path = bundled
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ThemesError(f"{path}: not valid YAML ({exc})") from None
    stages = []
    for entry in raw.get("stages", []):
        if isinstance(entry, str):
            stages.append((entry, {}))
        elif isinstance(entry, dict) and len(entry) == 1:
            (name, params), = entry.items()
            stages.append((name, dict(params or {})))
        else:
            raise ThemesError(f"{path}: each stage is a name or a one-key mapping, got {entry!r}")
    if not stages:
        raise ThemesError(f"{path}: lists no stages")
    return PipelineConfig(name=str(raw.get("name", path.stem)), stages=stages,
                          seed=int(raw.get("seed", 42)), source=str(path))
