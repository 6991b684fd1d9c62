"""Where the bundled pipelines and model heads live, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

from ..errors import ThemesError

_PACKAGE = Path(__file__).resolve().parents[1]  # src/themes (this file is in src/themes/engine)
_CHECKOUT = _PACKAGE.parent.parent  # src/themes -> repository root (editable installs)


def resource_dir(kind: str) -> Path:
    """``pipelines`` or ``models``: the copy shipped in the wheel, else the repository's."""
    for candidate in (_PACKAGE / "_data" / kind, _CHECKOUT / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder '{kind}' not found next to the themes package")


def model_folder(name: str | Path) -> Path:
    """A model head by folder path, or by the name of one shipped in models/."""
    return Path(name) if Path(name).is_dir() else resource_dir("models") / str(name)


def cache_dir() -> Path:
    """User cache for converted models and embeddings (THEMES_CACHE_DIR overrides)."""
    import os

    root = os.environ.get("THEMES_CACHE_DIR")
    if root:
        return Path(root).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "themes"


def read_saved_meta(folder: str | Path, filename: str, expected_format: str, kind: str) -> dict:
    """The JSON description of a model saved in ``folder`` (``kind``: "theme model", "code
    model"), checked to be one of ``expected_format``; a ThemesError names the folder otherwise."""
    import json


    folder = Path(folder)
    meta_path = folder / filename
    if not meta_path.exists():
        raise ThemesError(f"{folder}: not a saved {kind} (no {filename})")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != expected_format:
        raise ThemesError(f"{folder}: unsupported {kind} format {meta.get('format')!r}")
    return meta
