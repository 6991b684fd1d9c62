"""Coverage-guided fuzzing of the export reader with atheris, for a bounded time.

Any exception other than ThemesError (the clean "can't read this" answer) is a bug.

    pip install atheris
    python benchmarks/fuzz_reader.py -max_total_time=60      (libFuzzer flags)
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from themes.errors import ThemesError
    from themes.io.read import read_table

_SCRATCH = tempfile.TemporaryDirectory(prefix="themes-fuzz-")  # removed when the fuzzer exits
FOLDER = _SCRATCH.name
SUFFIXES = [".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".parquet"]


def test_one_input(data: bytes) -> None:
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    path = os.path.join(FOLDER, "input" + suffix)
    with open(path, "wb") as handle:
        handle.write(data[1:])
    with contextlib.suppress(ThemesError):  # the clean refusal; anything else is a finding
        read_table(path)


if __name__ == "__main__":
    if not any(a.startswith("-max_total_time") or a.startswith("-runs") for a in sys.argv):
        sys.argv.append("-max_total_time=60")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
