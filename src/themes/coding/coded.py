"""Coded comments as files: a human-coded sample or another coder's work (an id column and a
``codes`` column, codes separated by ';'), and the machine's ``coded.csv``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ThemesError, column_list
from ..io.read import ROW, read_table
from .agreement import code_sets

ID_NAMES = ("id", "response_id", "comment_id", "row")


def read_coded_table(path: str | Path) -> pd.DataFrame:
    """``id`` and ``codes`` (frozensets of lower-case codes) of a coded file."""
    path = Path(path)
    if not path.is_file():
        raise ThemesError(f"{path}: no such file")
    table = read_table(path).frame
    rows = table.pop(ROW)
    columns = {str(c).strip().lower(): c for c in table.columns}
    id_column = next((columns[n] for n in ID_NAMES if n in columns), None)
    codes_column = columns.get("codes") or columns.get("code")
    if id_column is None or codes_column is None:
        raise ThemesError(f"{path}: a coded file needs an id column ({', '.join(ID_NAMES)}) and a 'codes' "
                          f"column; it has {column_list(table.columns)}")
    ids = table[id_column].astype(str).str.strip()
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise ThemesError(f"{path}: row {rows[repeated.index[0]]}, column {id_column}: id '{repeated.iloc[0]}' "
                          "is listed twice")
    return pd.DataFrame({"id": ids.to_numpy(), "codes": code_sets(table[codes_column])})


def read_coded(path: str | Path) -> dict[str, set[str]]:
    """A human-coded sample: comment id -> its codes (comments coded with none left out)."""
    table = read_coded_table(path)
    return {i: set(c) for i, c in zip(table["id"], table["codes"]) if c}

