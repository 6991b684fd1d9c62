"""Row blocks: work over a whole export's vectors in fixed-size pieces, so temporaries (a centred
copy, similarity or hidden-layer matrices) are bounded by the block, not the export; and ranges of
rows gathered without a Python loop."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

BLOCK_ROWS = 65536


def row_blocks(n: int, size: int = BLOCK_ROWS) -> list[slice]:
    """Slices covering rows 0..n in order; one empty slice when n is 0 (so callers still run once)."""
    return [slice(start, min(start + size, n)) for start in range(0, n, size)] or [slice(0, 0)]


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[0] .. starts[0] + lengths[0] - 1, then those of the next range, ...:
    the rows of many segments of a flat array, concatenated."""
    lengths = np.asarray(lengths, np.int64)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(np.asarray(starts, np.int64), lengths) + within


def map_strings(column: pd.Series, fn: Callable[[str], str], size: int = BLOCK_ROWS) -> pd.Series:
    """``fn`` of every string of ``column`` as a string column on the same index, made a block
    at a time: mapped whole, three million clauses were a Python string each."""
    return pd.concat([pd.Series([fn(s) for s in column.iloc[block].tolist()], dtype="str")
                      for block in row_blocks(len(column), size)], ignore_index=True).set_axis(column.index)
