"""The saved-model folder, owned here: what `--save-model` writes, and what `themes apply`,
`themes code --model`, the service and the output-folder check read.

    theme_model.json, *.npy     the ThemeModel (analysis/theme_model.py), or code_model.json: a CodeModel
    labels.json                 theme id -> {label, keywords}, as the run named them
    embedding.json              the embedding model and space its vectors live in
    themes.yaml                 the editable codeframe (analysis/codeframe.py)
    codebook.yaml               a coding's codebook
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.codeframe import write_codeframe
from ..analysis.theme_model import ThemeModel
from ..errors import ThemesError

THEME_MODEL, CODE_MODEL = "theme_model.json", "code_model.json"


def is_theme_model(folder: str | Path) -> bool:
    return (Path(folder) / THEME_MODEL).is_file()


def is_saved_model(folder: str | Path) -> bool:
    """A folder --save-model wrote: a theme model or a coding."""
    return is_theme_model(folder) or (Path(folder) / CODE_MODEL).is_file()


def save_model(folder: str | Path, model: Any, themes: pd.DataFrame, embedding: dict | None) -> Path:
    """``model`` (its own plain files: ``model.save``), the run's labels and keywords per theme,
    the embedding space, and (a theme model's) the editable codeframe; a coding keeps its
    codebook.yaml instead (written by its ``save``)."""
    folder = Path(model.save(folder))
    labels = {row.theme_id: {"label": row.label, "keywords": row.keywords} for row in themes.itertuples()}
    (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    if embedding:  # which vectors its centroids live among: applied on others it would mislead
        (folder / "embedding.json").write_text(json.dumps(
            {k: embedding[k] for k in ("model", "space") if k in embedding}, indent=1), encoding="utf-8")
    if is_theme_model(folder):
        write_codeframe(folder, themes)
    return folder


def labels(folder: str | Path) -> dict[str, dict]:
    """theme id -> {label, keywords} as saved ({} for a folder saved without them)."""
    path = Path(folder) / "labels.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def load_theme_model(folder: str | Path):
    """The ThemeModel saved in ``folder`` (with ``embedding_`` set from embedding.json) and its labels."""
    if not is_theme_model(folder):
        raise ThemesError(f"{folder}: not a saved theme model (make one with themes analyze --save-model DIR)")
    model = ThemeModel.load(folder)
    fitted_on = Path(folder) / "embedding.json"  # absent in folders saved before it was written
    model.embedding_ = json.loads(fitted_on.read_text(encoding="utf-8")) if fitted_on.exists() else None
    return model, labels(folder)
