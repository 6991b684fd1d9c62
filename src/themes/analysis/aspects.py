"""The base codeframe: aspects customers of most businesses talk about (food, staff, delivery,
the app, prices...), each with a name and a description in en/ru/lv (models/aspects/aspects.yaml).

Top-level themes start from these: the theme model finds fine clusters of comments in a space
without tone, and clusters whose centre is about one aspect become that aspect's theme (its
name is the aspect's name); what no aspect covers stays a theme of its own, discovered from the
data. An aspect's anchor is the mean of its names' and descriptions' embeddings in every
language it has, so it sits where comments about it sit whatever their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ..engine.resources import model_folder
from ..errors import ThemesError

FORMAT = "themes.aspects/1"
DEFAULT = "aspects"  # the folder under models/


@dataclass(frozen=True)
class Aspect:
    id: str
    names: dict[str, str]  # language -> name, e.g. {"en": "Delivery and shipping", ...}
    descriptions: dict[str, str]


def load_aspects(source: str | Path | None = None) -> list[Aspect]:
    """Aspects from a YAML file, a folder holding aspects.yaml, or the name of one shipped in
    models/ (the base codeframe by default)."""
    path = model_folder(source or DEFAULT)
    if path.is_dir():
        path = path / "aspects.yaml"
    if not path.is_file():
        raise ThemesError(f"{path}: no aspects file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ThemesError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    if data.get("format") != FORMAT or not isinstance(data.get("aspects"), list):
        raise ThemesError(f"{path}: expected 'format: {FORMAT}' and a list under 'aspects'")
    aspects, seen = [], set()
    for i, entry in enumerate(data["aspects"], 1):
        names, descriptions = entry.get("name"), entry.get("description")
        if not entry.get("id") or not isinstance(names, dict) or not isinstance(descriptions, dict) or not names:
            raise ThemesError(f"{path}: aspect {i} needs an id, a name per language and a description per language")
        if entry["id"] in seen:
            raise ThemesError(f"{path}: aspect id '{entry['id']}' is listed twice")
        seen.add(entry["id"])
        aspects.append(Aspect(str(entry["id"]), {str(k): str(v) for k, v in names.items()},
                              {str(k): str(v) for k, v in descriptions.items()}))
    return aspects


@dataclass
class Anchors:
    """The aspects' anchors in an embedding space: ``vectors`` (n_aspects, dim), L2-normalised."""
    aspects: list[Aspect]
    vectors: np.ndarray

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.aspects]


def embed_anchors(aspects: list[Aspect], embed) -> Anchors:
    """``embed(texts) -> (n, dim) L2-normalised vectors``; each anchor the normalised mean of its
    names and descriptions in every language."""
    texts, owner = [], []
    for j, aspect in enumerate(aspects):
        for text in [*aspect.names.values(), *aspect.descriptions.values()]:
            texts.append(text)
            owner.append(j)
    vectors = np.asarray(embed(texts), np.float32)
    owner = np.asarray(owner)
    means = np.stack([vectors[owner == j].mean(axis=0) for j in range(len(aspects))])
    norms = np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    return Anchors(aspects, (means / norms).astype(np.float32))
