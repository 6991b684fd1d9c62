"""Pipeline configuration: a YAML file naming the stages in order, each with its settings."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ThemesError
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
    """Load ``spec``: a path to a YAML file, or the name of a bundled pipeline (default: 'default').

    A file either lists its ``stages`` or ``extends`` another pipeline (a bundled name or a path
    beside it) and ``override``s some stages' settings: the tiers are the default pipeline with
    another embedding and heads, and stay in step with it."""
    path = _find(spec or "default", Path.cwd())
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ThemesError(f"{path}: not valid YAML ({exc})") from None
    if "extends" in raw:
        if "stages" in raw:
            raise ThemesError(f"{path}: give either 'stages' or 'extends' (with 'override'), not both")
        base = load_config(_find(str(raw["extends"]), path.parent))
        stages = override(base.stages, raw.get("override") or {}, path)
        seed = int(raw.get("seed", base.seed))
    else:
        stages = _stages(raw.get("stages", []), path)
        seed = int(raw.get("seed", 42))
    if not stages:
        raise ThemesError(f"{path}: lists no stages")
    return PipelineConfig(name=str(raw.get("name", path.stem)), stages=stages, seed=seed, source=str(path))


def _find(spec: str | Path, beside: Path) -> Path:
    """A pipeline file: ``spec`` as a path (relative to ``beside``), else a bundled pipeline's name."""
    for path in (Path(spec), beside / spec):
        if path.is_file():
            return path
    bundled = resource_dir("pipelines") / f"{spec}.yaml"
    if not bundled.is_file():
        raise ThemesError(f"{spec}: no such pipeline file (and no bundled pipeline of that name)")
    return bundled


def _stages(entries: list, path: Path) -> list[tuple[str, dict[str, Any]]]:
    stages = []
    for entry in entries:
        if isinstance(entry, str):
            stages.append((entry, {}))
        elif isinstance(entry, dict) and len(entry) == 1:
            (name, params), = entry.items()
            stages.append((name, dict(params or {})))
        else:
            raise ThemesError(f"{path}: each stage is a name or a one-key mapping, got {entry!r}")
    return stages


def override(stages: list[tuple[str, dict[str, Any]]], changes: dict,
             path: Path | str) -> list[tuple[str, dict[str, Any]]]:
    """The base's stages, in its order, with ``changes`` (stage -> settings) laid over their settings."""
    names = [name for name, _ in stages]
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise ThemesError(f"{path}: override names stages the base pipeline does not have: {unknown} "
                          f"(it has {names})")
    return [(name, {**params, **dict(changes.get(name) or {})}) for name, params in stages]
