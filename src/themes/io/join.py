"""Join other customer data (``--join customers.csv --on customer_id``) onto the comments.

Joined columns become segments: a numeric column is cut into quartiles ("tenure: Q1 (0-6]"),
a categorical one with at most ``max_levels`` values is used as it is. For every numeric
column the relation to each theme is reported: the column's mean for comments with and
without the theme and a Mann-Whitney test (Benjamini-Hochberg across themes and columns).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.stats import benjamini_hochberg
from ..errors import ThemesError, column_list
from .read import ROW, read_table

log = logging.getLogger(__name__)  # notes for the person running it; the CLI shows them


def join_customers(comments: pd.DataFrame, path: str | Path, on: str, *, max_levels: int = 20,
                   ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """comments with the joined columns added; the new segment columns; the numeric columns."""
    extra = read_table(path).frame.drop(columns=ROW)
    if on not in extra.columns:
        raise ThemesError(f"{path}: no column '{on}' to join on (columns: {column_list(extra.columns)})")
    if on not in comments.columns:
        raise ThemesError(f"--on {on}: the exports have no column '{on}' (name it with --segment {on} or "
                          "check the spelling)")
    extra = extra.drop_duplicates(on, keep="first")
    key = comments[on].astype(str).str.strip()
    extra[on] = extra[on].astype(str).str.strip()
    joined = comments.merge(extra, how="left", left_on=key, right_on=on, suffixes=("", "_joined"))
    joined = joined.drop(columns=[c for c in ("key_0",) if c in joined]).set_index(comments.index)
    matched = key.isin(set(extra[on])).sum()
    log.info(f"{Path(path).name}: joined on {on}, {matched} of {len(comments)} comments matched")
    segment_columns, numeric_columns = [], []
    for column in extra.columns:
        if column == on:
            continue
        name = column if column not in comments.columns else f"{column}_joined"
        numbers = pd.to_numeric(joined[name].astype(str).str.replace(",", ".", regex=False), errors="coerce")
        if numbers.notna().mean() > 0.8 and numbers.nunique() > max_levels:
            joined[name] = numbers
            numeric_columns.append(name)
            binned = pd.qcut(numbers, 4, duplicates="drop")
            codes = binned.cat.codes.to_numpy()
            labels = [f"Q{i + 1} {interval}" for i, interval in enumerate(binned.cat.categories)]
            joined[f"{name} (quartile)"] = [labels[k] if k >= 0 else "" for k in codes]
            segment_columns.append(f"{name} (quartile)")
        elif joined[name].nunique() <= max_levels:
            joined[name] = joined[name].fillna("").astype(str)
            segment_columns.append(name)
    return joined, segment_columns, numeric_columns


def theme_relations(joined: pd.DataFrame, numeric_columns: list[str], member: np.ndarray,
                    theme_ids: list[str]) -> list[dict]:
    from scipy.stats import mannwhitneyu

    rows = []
    for column in numeric_columns:
        x = joined[column].to_numpy(dtype=float)
        for t, theme in enumerate(theme_ids):
            inside, outside = x[member[:, t] & ~np.isnan(x)], x[~member[:, t] & ~np.isnan(x)]
            p = float(mannwhitneyu(inside, outside).pvalue) if len(inside) >= 3 and len(outside) >= 3 else np.nan
            rows.append({"column": column, "theme_id": theme, "mean_with": round(float(np.mean(inside)), 3)
                         if len(inside) else None, "mean_without": round(float(np.mean(outside)), 3)
                         if len(outside) else None, "p_value": p})
    q = benjamini_hochberg(np.array([r["p_value"] for r in rows], dtype=float))
    for r, qv in zip(rows, q):
        r["q_value"] = None if np.isnan(qv) else round(float(qv), 5)
        r["p_value"] = None if np.isnan(r["p_value"]) else round(r["p_value"], 6)
        r["related"] = bool(r["q_value"] is not None and r["q_value"] < 0.05)
    return rows
