"""Row blocks: work over a whole export's vectors and texts in fixed-size pieces, so temporaries (a
centred copy, similarity or hidden-layer matrices, Python strings) are bounded by the block, not the
export; and ranges of rows gathered without a Python loop."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa

BLOCK_ROWS = 65536
# map_strings: a run of unchanged rows shorter than this between changed ones is copied with
# them rather than shared (so a column has at most ~2 chunks per this many rows)
MIN_SHARED_ROWS = 64


def row_blocks(n: int, size: int = BLOCK_ROWS) -> list[slice]:
    """Slices covering rows 0..n in order; one empty slice when n is 0 (so callers still run once)."""
    return [slice(start, min(start + size, n)) for start in range(0, n, size)] or [slice(0, 0)]


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[0] .. starts[0] + lengths[0] - 1, then those of the next range, ...:
    the rows of many segments of a flat array, concatenated."""
    lengths = np.asarray(lengths, np.int64)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(np.asarray(starts, np.int64), lengths) + within


def shared_values(column: pd.Series) -> np.ndarray:
    """``column`` as an object array in which equal values are one Python object. ``to_numpy`` of a
    string column makes a Python string per row; a column of few distinct values (languages,
    theme ids, NPS groups) then costs a pointer per row."""
    codes, values = pd.factorize(column, use_na_sentinel=False)
    return np.asarray(values, dtype=object)[codes]


def map_strings(column: pd.Series, fn: Callable[[str], str], size: int = BLOCK_ROWS,
                min_shared: int = MIN_SHARED_ROWS) -> pd.Series:
    """``fn`` of every string of ``column`` as a string column on the same index, made a block
    at a time (mapped whole, every clause was a Python string at once). The rows ``fn``
    leaves as they are keep sharing ``column``'s memory: only runs of changed rows, with gaps of
    fewer than ``min_shared`` unchanged rows between them, are copied. Masking changes one text in
    hundreds, so the masked column costs next to nothing beside the unmasked one (a copy of every
    text was the peak of a large run)."""
    column = column.astype("str")  # no copy when it is one already
    arrow = pa.chunked_array(column)  # the column's own Arrow buffers (no copy)
    pieces: list[pa.Array] = []
    for first, texts in TextColumns.of(column).blocks(size):
        mapped = [fn(text) for text in texts]
        changed = np.flatnonzero(np.fromiter(map(operator.ne, texts, mapped), bool, len(texts)))
        for start, stop, copy in changed_runs(changed, len(texts), min_shared):
            if copy:
                pieces.append(pa.array(mapped[start:stop], type=arrow.type))
            else:
                pieces.extend(arrow.slice(first + start, stop - start).chunks)
    return pd.Series(pa.chunked_array(pieces, type=arrow.type), dtype="str", index=column.index)


def changed_runs(changed: np.ndarray, n: int, min_shared: int) -> list[tuple[int, int, bool]]:
    """(start, stop, changed) spans covering rows 0..n: runs of the sorted ``changed`` rows, joined
    across gaps shorter than ``min_shared`` (so there are at most ~2n/min_shared spans), and the
    unchanged rows between them."""
    if not len(changed):
        return [(0, n, False)]
    breaks = np.flatnonzero(np.diff(changed) > min_shared)
    starts = changed[np.r_[0, breaks + 1]].tolist()
    stops = (changed[np.r_[breaks, len(changed) - 1]] + 1).tolist()
    spans, position = [], 0
    for start, stop in zip(starts, stops):
        if start > position:
            spans.append((position, start, False))
        spans.append((start, stop, True))
        position = stop
    if position < n:
        spans.append((position, n, False))
    return spans


def take_column(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column.iloc[rows]`` for positions ``rows``. An Arrow string column in many chunks (the
    clauses, made a block of comments at a time) is taken from a chunk at a time: Arrow's take of
    a chunked string column first copies every chunk into one, the whole column for each batch of
    rows."""
    arrow = pa.chunked_array(column) if isinstance(column.dtype, pd.StringDtype) \
        and column.dtype.storage == "pyarrow" else None  # no copy: the column's own buffers
    if arrow is None or arrow.num_chunks < 2:
        return column.iloc[rows]
    rows = np.asarray(rows, np.int64)
    bounds = np.cumsum([0] + [len(chunk) for chunk in arrow.chunks])
    chunk_of = np.searchsorted(bounds, rows, side="right") - 1
    order = np.argsort(chunk_of, kind="stable")  # the rows grouped by chunk
    cuts = np.searchsorted(chunk_of[order], np.arange(arrow.num_chunks + 1)).tolist()
    grouped = pa.concat_arrays([arrow.chunk(c).take(pa.array(rows[order[a:b]] - bounds[c]))
                                for c, (a, b) in enumerate(pairwise(cuts)) if b > a] or [arrow.chunk(0)[:0]])
    back = np.empty(len(rows), np.int64)
    back[order] = np.arange(len(rows))
    return pd.Series(grouped.take(pa.array(back)), dtype=column.dtype, index=column.index[rows], name=column.name)


def take_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[rows]`` for positions ``rows``, each column taken by ``take_column``."""
    return pd.DataFrame({name: take_column(frame[name], rows).array for name in frame.columns},
                        index=frame.index[rows])


class TextColumns:
    """Rows of string columns end to end, each read through an optional function (the embed
    stage's clauses without their contrast word, then the comments), a block or a batch of rows
    at a time: no column of all the texts, and no Python string per text, is made at once."""

    def __init__(self, *parts: tuple[Sequence[str] | pd.Series, Callable[[str], str] | None]):
        self.parts = [(column if isinstance(column, pd.Series) else pd.Series(column, dtype="str"), fn)
                      for column, fn in parts]
        self.starts = np.cumsum([0] + [len(column) for column, _ in self.parts])

    @classmethod
    def of(cls, texts: Sequence[str] | pd.Series | TextColumns) -> TextColumns:
        """``texts`` as columns (as they are when they already are)."""
        return texts if isinstance(texts, TextColumns) else cls((texts, None))

    def __len__(self) -> int:
        return int(self.starts[-1])

    def take(self, rows: np.ndarray) -> list[str]:
        """The texts of ``rows`` (global positions), in that order."""
        rows = np.asarray(rows, np.int64)
        out: list[str] = [""] * len(rows)
        part_of = np.searchsorted(self.starts, rows, side="right") - 1
        for p, (column, fn) in enumerate(self.parts):
            where = np.flatnonzero(part_of == p)
            texts = take_column(column, rows[where] - self.starts[p]).tolist()
            for i, text in zip(where.tolist(), texts):
                out[i] = fn(text) if fn else text
        return out

    def tolist(self) -> list[str]:
        """Every text as one list (for small inputs: an export's are read by ``blocks``)."""
        return self.take(np.arange(len(self)))

    def blocks(self, size: int = BLOCK_ROWS) -> Iterator[tuple[int, list[str]]]:
        """(first row, texts): every text in order, at most ``size`` rows at a time (a block ends
        where a part does); one empty block when there are no texts."""
        if not len(self):
            yield 0, []
        for (column, fn), start in zip(self.parts, self.starts.tolist()):
            for block in row_blocks(len(column), size) if len(column) else ():
                texts = column.iloc[block].tolist()
                yield start + block.start, [fn(text) for text in texts] if fn else texts
