"""Helpers the benchmark scripts share: where the shared data is, peak memory."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def need_shared() -> Path:
    if not SHARED.is_dir():
        sys.exit(f"{SHARED}: shared data not found (benchmarks read ../shared/data beside the project)")
    return SHARED


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
