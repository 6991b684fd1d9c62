"""Embeddings of rows that share texts, each distinct vector stored once.

A one-clause comment is its own mention, and exports repeat texts ("ok", "thanks", a template):
on large exports the expanded (rows x dim) matrix was the largest thing in memory. A
``SharedRows`` keeps the distinct vectors in ``table`` and, per row, the ``index`` of its vector.
It reads like the expanded matrix where the pipeline reads vectors: ``len``, ``shape``, ``dtype``,
and rows by slice, index array or mask (``rows[block]`` gives that block as a plain array). Every
reader takes its vectors in row blocks (``blocks.row_blocks``), so the expanded matrix is never
built; ``np.asarray(rows)`` builds it for a caller that wants it whole.

The table is a NumPy array, or (``embed: {store: disk}``, the scale tier) a ``DiskTable``: a file
that blocks of rows are read from, so the vectors take no memory however many comments there are.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

STORES = ("memory", "disk")  # where embed_rows keeps the distinct vectors


class DiskTable:
    """A (rows x width) matrix in an unnamed temporary file, read and written by row.

    Not ``np.memmap``: a page fault can map the whole large folio around it (far more than the
    row asked for, on the kernels measured), so a memory-mapped table read in random
    order ends up resident anyway. ``pread`` of the rows a block needs (consecutive ones in one
    call) goes through the page cache, which the kernel can reclaim, and keeps the process's own
    memory to the block it asked for. The file is unlinked at creation: it goes away with the
    process, even one that is killed."""

    ndim = 2

    def __init__(self, rows: int, width: int, dtype, folder: str | Path | None = None):
        self.dtype = np.dtype(dtype)
        self.shape = (int(rows), int(width))
        self._row_bytes = self.shape[1] * self.dtype.itemsize
        if folder is not None:
            Path(folder).mkdir(parents=True, exist_ok=True)
        # kept open for the table's life (closed, and so deleted, with it): no context manager
        self._file = tempfile.TemporaryFile(prefix="themes-vectors-", dir=folder)  # noqa: SIM115
        os.ftruncate(self._file.fileno(), self.shape[0] * self._row_bytes)

    @property
    def nbytes(self) -> int:
        return 0  # held on disk: the memory a read takes is the caller's block

    def __len__(self) -> int:
        return self.shape[0]

    def _runs(self, positions: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """The distinct sorted positions and their runs of consecutive rows as (first, end) indices."""
        distinct = np.unique(positions)
        if len(distinct) and (distinct[0] < 0 or distinct[-1] >= self.shape[0]):
            raise IndexError(f"DiskTable: row out of range 0..{self.shape[0] - 1}")
        cuts = (np.flatnonzero(np.diff(distinct) != 1) + 1).tolist()
        return distinct, list(zip([0, *cuts], [*cuts, len(distinct)]))

    def __getitem__(self, rows) -> np.ndarray:
        if isinstance(rows, slice):
            rows = np.arange(*rows.indices(self.shape[0]))
        rows = np.asarray(rows)
        rows = np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.int64, copy=False)
        distinct, runs = self._runs(rows.ravel())
        out = np.empty((len(distinct), self.shape[1]), self.dtype)
        view, size = memoryview(out).cast("B"), self._row_bytes
        for first, end in runs:
            want = (end - first) * size
            if os.preadv(self._file.fileno(), [view[first * size:end * size]], int(distinct[first]) * size) != want:
                raise OSError("DiskTable: short read from the vector file")
        return out[np.searchsorted(distinct, rows)]

    def __setitem__(self, rows, vectors: np.ndarray) -> None:
        rows = np.asarray(rows, np.int64)
        order = np.argsort(rows, kind="stable")
        rows, vectors = rows[order], np.ascontiguousarray(np.asarray(vectors, self.dtype)[order])
        if np.any(rows[1:] == rows[:-1]):  # sorted: a repeat sits next to itself
            raise ValueError("DiskTable: a row is written twice in one call")
        _, runs = self._runs(rows)
        view, size = memoryview(vectors).cast("B"), self._row_bytes
        for first, end in runs:
            os.pwritev(self._file.fileno(), [view[first * size:end * size]], int(rows[first]) * size)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        whole = self[slice(None)]
        return whole if dtype is None else whole.astype(dtype, copy=False)

    def __reduce__(self):  # to another process (a Dask worker) it goes as the plain matrix
        return (np.asarray, (np.asarray(self),))

    def __repr__(self) -> str:
        return f"DiskTable({self.shape[0]} x {self.shape[1]}, {self.dtype})"


class SharedRows:
    def __init__(self, table: np.ndarray | DiskTable, index: np.ndarray):
        if table.ndim != 2:
            raise ValueError(f"SharedRows: table must be 2-d, got shape {table.shape}")
        self.table = table
        self.index = np.asarray(index)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.index), self.table.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.table.dtype

    ndim = 2

    @property
    def nbytes(self) -> int:
        """What these rows hold in memory: the table (possibly shared with other rows) and the index."""
        return self.table.nbytes + self.index.nbytes

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, rows) -> np.ndarray:
        return self.table[self.index[rows]]

    def subset(self, rows) -> SharedRows:
        """These rows' subset (slice, index array or mask) sharing the same table."""
        return SharedRows(self.table, self.index[rows])

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        # rows that are the table itself, in order (all texts distinct): no second copy of it
        as_is = isinstance(self.table, np.ndarray) and len(self.index) == len(self.table) \
            and np.array_equal(self.index, np.arange(len(self.index)))
        dense = (self.table.copy() if copy else self.table) if as_is else self.table[self.index]
        return dense if dtype is None else dense.astype(dtype, copy=False)

    def __repr__(self) -> str:
        return f"SharedRows({len(self)} rows, {len(self.table)} distinct, {self.dtype})"


def take(X: np.ndarray | SharedRows, rows) -> np.ndarray | SharedRows:
    """``X``'s rows ``rows``, as ``SharedRows`` again when ``X`` is (no copy of the vectors)."""
    return X.subset(rows) if isinstance(X, SharedRows) else X[rows]
