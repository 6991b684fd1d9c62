"""Write tables that are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..engine.blocks import row_blocks

WRITE_BLOCK = 100_000
# what makes a spreadsheet read a cell as a formula, also in full width, and after leading spaces
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value):
    """A text that would run as a formula in Excel or LibreOffice, prefixed with '."""
    if isinstance(value, str) and value.lstrip(" \u3000").startswith(_FORMULA_START):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells and column names (users' headers: segment columns) made safe (``safe_cell``)."""
    out = frame.rename(columns=safe_cell)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    return out


def write_csv(frame: pd.DataFrame, path: Path, block_rows: int = WRITE_BLOCK) -> None:
    """``frame`` as CSV, made spreadsheet-safe a block of rows at a time: made safe whole, a large
    table became a copy with a Python string per cell. Every text is quoted:
    a spreadsheet set to another separator (";" in Latvian and Russian locales) would otherwise
    split "text;=cmd" into a second cell that runs."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        for i, block in enumerate(row_blocks(len(frame), block_rows)):
            spreadsheet_safe(frame.iloc[block]).to_csv(out, index=False, header=i == 0, quoting=csv.QUOTE_NONNUMERIC)

