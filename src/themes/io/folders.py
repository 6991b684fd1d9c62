"""The output folder: written beside --out and swapped in whole, so that a run leaves no file of
an earlier one behind and a crash while writing leaves the earlier output as it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import ThemesError, column_list
from .model_folder import is_saved_model

# what a run writes into --out (and a saved model folder inside it): a folder holding only these
# was written by themes and may be replaced whole
OUTPUT_FILES = {"comments.csv", "mentions.csv", "themes.csv", "rejected.csv", "segments.csv", "periods.csv",
                "summary.json", "report.html", "report.xlsx", "summary.md",
                "coded.csv", "codes.csv", "agreement.csv", "confusion.csv", "codebook.yaml", "codebook.qdc",
                "project.qdpx"}  # themes code


def check_output_folder(folder: str | Path) -> None:
    """Refuse an --out folder that holds files themes did not write: it is replaced whole."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ThemesError(f"--out {folder.name}: a file of that name exists; give a folder")
    if not folder.is_dir():
        return
    foreign = sorted(p.name for p in folder.iterdir()
                     if p.name not in OUTPUT_FILES and not is_saved_model(p))
    if foreign:
        raise ThemesError(f"--out {folder.name} holds files themes did not write ({column_list(foreign, 3)}): "
                          "the folder is "
                          "replaced whole by each run, so give a new or empty folder")


@contextmanager
def output_folder(folder: str | Path):
    """A temporary folder beside ``folder`` to write into; on success it replaces ``folder`` whole
    (so no file of an earlier run is left beside the new ones), on failure it is removed and the
    earlier output stays as it was. Leftovers of a run killed while writing are removed first."""
    folder = Path(folder)
    check_output_folder(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.parent.glob(f".{folder.name}.*-tmp"):
        shutil.rmtree(stale, ignore_errors=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", suffix="-tmp", dir=folder.parent))
    try:
        yield fresh
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    old = folder.parent / f".{folder.name}.old-{os.getpid()}-tmp"
    if folder.exists():
        folder.rename(old)  # the two renames are what a crash can fall between: then the
    fresh.rename(folder)    # earlier output is still whole, under the old- name
    shutil.rmtree(old, ignore_errors=True)
