"""On-disk embedding cache keyed by (model fingerprint, text).

SQLite gives us atomic commits: a run interrupted by Ctrl-C or a kill loses at most the
batch in flight, and the next run reuses everything committed before it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class EmbeddingCache:
    def __init__(self, path: Path, fingerprint: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fingerprint
        self.db = sqlite3.connect(str(path), timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS emb (model TEXT, key BLOB, vec BLOB, "
                        "PRIMARY KEY (model, key)) WITHOUT ROWID")
        self.db.commit()

    def get_rows(self, keys: list[bytes]) -> Iterator[tuple[list[int], np.ndarray]]:
        """(positions in ``keys``, their vectors as one matrix) for the keys the cache holds, a
        chunk at a time: the caller copies them straight into its own array."""
        for start in range(0, len(keys), 900):  # SQLite's bound-variable limit
            chunk = keys[start:start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT key, vec FROM emb WHERE model=? AND key IN ({marks})",
                                   [self.fingerprint, *chunk]).fetchall()
            if rows:
                where = {k: start + i for i, k in enumerate(chunk)}
                yield [where[k] for k, _ in rows], np.frombuffer(b"".join(v for _, v in rows), np.float32).reshape(
                    len(rows), -1)

    def put_many(self, keys: list[bytes], vectors: np.ndarray) -> None:
        rows = [(self.fingerprint, k, np.asarray(v, np.float32).tobytes()) for k, v in zip(keys, vectors)]
        with self.db:  # one transaction per batch
            self.db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self.db.close()
