"""Embeddings of rows that share texts, each distinct vector stored once.

A one-clause comment is its own mention, and exports repeat texts ("ok", "thanks", a template):
at a million comments the expanded (rows x 384) matrix was the largest thing in memory. A
``SharedRows`` keeps the distinct vectors in ``table`` and, per row, the ``index`` of its vector.
It reads like the expanded matrix where the pipeline reads vectors: ``len``, ``shape``, ``dtype``,
and rows by slice, index array or mask (``rows[block]`` gives that block as a plain array). Every
reader takes its vectors in row blocks (``blocks.row_blocks``), so the expanded matrix is never
built; ``np.asarray(rows)`` builds it for a caller that wants it whole.
"""

from __future__ import annotations

import numpy as np


class SharedRows:
    def __init__(self, table: np.ndarray, index: np.ndarray):
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
        as_is = len(self.index) == len(self.table) and np.array_equal(self.index, np.arange(len(self.index)))
        dense = (self.table.copy() if copy else self.table) if as_is else self.table[self.index]
        return dense if dtype is None else dense.astype(dtype, copy=False)

    def __repr__(self) -> str:
        return f"SharedRows({len(self)} rows, {len(self.table)} distinct, {self.dtype})"


def take(X: np.ndarray | SharedRows, rows) -> np.ndarray | SharedRows:
    """``X``'s rows ``rows``, as ``SharedRows`` again when ``X`` is (no copy of the vectors)."""
    return X.subset(rows) if isinstance(X, SharedRows) else X[rows]
