"""themes: turn free-text customer feedback into a ranked list of what to fix."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["AnalysisResult", "ThemesError", "__version__", "analyze", "apply", "assign", "code"]


def __getattr__(name: str):
    # keep `import themes` light: pandas, torch and friends load on first use
    if name in ("analyze", "AnalysisResult", "apply", "assign", "code"):
        from . import api

        return getattr(api, name)
    if name == "ThemesError":
        from .errors import ThemesError

        return ThemesError
    raise AttributeError(f"module 'themes' has no attribute {name!r}")
