"""Helpers the benchmark scripts share: where the shared data is, peak memory (resident, and the
process's own)."""

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


class PeakAnonymous:
    """Peak of this process's anonymous resident memory (RssAnon: what it allocated itself), sampled
    every ``interval`` s by a thread while the ``with`` block runs. Peak RSS also counts the pages of
    mapped files (libraries, and a model's weights that sentence-transformers maps from its
    safetensors file: the static model's 375 MB come in as its tokens are first seen, so more of
    them at a million comments than at 100k); the kernel can drop those pages, the process's own
    memory it cannot."""

    def __init__(self, interval: float = 0.01):
        self.interval, self.peak_mb = interval, 0.0

    @staticmethod
    def now_mb() -> float:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) / 1024
        return 0.0  # not Linux

    def _watch(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_mb = max(self.peak_mb, self.now_mb())

    def __enter__(self) -> PeakAnonymous:
        import threading

        self.peak_mb = self.now_mb()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self.now_mb())
