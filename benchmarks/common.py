"""Helpers the benchmark scripts share: where the shared data is, peak memory (resident, and the
process's own), and the tables they write into benchmarks/README.md."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
README = Path(__file__).resolve().parent / "README.md"


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


def markdown_table(rows: list[dict]) -> str:
    """``rows`` (dicts with the same keys) as a Markdown table, values as they print."""
    if not rows:
        return ""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row.get(k, "")) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def publish(block: str, text: str, readme: Path = README) -> None:
    """Put ``text`` (a script's tables, as Markdown) between ``<!-- begin NAME -->`` and
    ``<!-- end NAME -->`` in benchmarks/README.md, in place of what the last run wrote there (a
    block not there yet is added at the end), headed by the command and the date: the figures in
    that file come from the scripts (``--readme``), not from copying by hand."""
    import datetime
    import shlex

    command = "python benchmarks/" + " ".join([Path(sys.argv[0]).name, *map(shlex.quote, sys.argv[1:])])
    body = f"`{command}` ({datetime.date.today().isoformat()}):\n\n{text.strip()}"
    begin, end = f"<!-- begin {block} -->", f"<!-- end {block} -->"
    page = readme.read_text(encoding="utf-8")
    if begin in page and end in page:
        head, rest = page.split(begin, 1)
        _, tail = rest.split(end, 1)
    else:
        head, tail = page.rstrip("\n") + f"\n\n### {block}\n\n", "\n"
    readme.write_text(f"{head}{begin}\n{body}\n{end}{tail}", encoding="utf-8")
    print(f"wrote the '{block}' block of {readme}")


def add_readme_flag(parser) -> None:
    parser.add_argument("--readme", action="store_true", help="also write the table into benchmarks/README.md")


def show(block: str, table, args=None, note: str = "") -> None:
    """Print a table (a DataFrame or a list of dicts) and, with ``--readme``, write it (and
    ``note``, a line under it) into benchmarks/README.md as ``block``."""
    import pandas as pd

    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    print(frame.to_string(index=False))
    if args is not None and getattr(args, "readme", False):
        publish(block, markdown_table(frame.astype(object).where(frame.notna(), "").to_dict("records"))
                + (f"\n\n{note}" if note else ""))
