"""Write tables that are safe to open in a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..blocks import row_blocks

WRITE_BLOCK = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting with = + - @ would run as formulas in Excel: prefix them with '."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def write_csv(frame: pd.DataFrame, path: Path, block_rows: int = WRITE_BLOCK) -> None:
    """``frame`` as CSV, made spreadsheet-safe a block of rows at a time: made safe whole, a table
    of three million mentions became a copy with a Python string per cell."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        for i, block in enumerate(row_blocks(len(frame), block_rows)):
            spreadsheet_safe(frame.iloc[block]).to_csv(out, index=False, header=i == 0)
