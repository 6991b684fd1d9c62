"""Embed texts: exact duplicates once, cached ones not at all, the rest sorted by length
and batched (padding is what costs on a CPU)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..resources import cache_dir
from .cache import EmbeddingCache, text_key
from .model import ModelSpec, load_model
from .rows import STORES, DiskTable, SharedRows


def embed_rows(texts: Sequence[str] | pd.Series, spec: ModelSpec, *, batch_size: int = 64, use_cache: bool = True,
               progress: Callable | None = None, dtype: str = "float32",
               store: str = "memory") -> tuple[SharedRows, dict[str, int]]:
    """L2-normalised embeddings of ``texts`` as ``SharedRows`` (each distinct text's vector once,
    and per text the row of its vector) and counts of what was computed. ``dtype`` float16 halves
    the vectors (the scale tier); the cache always holds float32. ``store`` "disk" keeps the
    distinct vectors in a temporary file under the cache folder (``DiskTable``), not in memory.
    ``texts`` may be a string Series (the embed stage's Arrow-backed column: no Python string per
    text is made except for the ones embedded, a batch at a time)."""
    if store not in STORES:
        raise ValueError(f"embed_rows: store must be one of {STORES}, got {store!r}")
    # each distinct text once, in order of first appearance, and each text's row among them
    inverse, unique = pd.factorize(texts if isinstance(texts, pd.Series) else pd.Series(texts, dtype="str"))
    cache = EmbeddingCache(cache_dir() / "embeddings.sqlite", spec.fingerprint) if use_cache else None
    keys = [text_key(t) for t in unique] if cache else []
    have = np.zeros(len(unique), bool)
    table: np.ndarray | DiskTable | None = None  # allocated at the first vector, when its width is known

    def put(rows: list[int], vectors: np.ndarray) -> None:
        nonlocal table
        if table is None:
            table = DiskTable(len(unique), vectors.shape[1], dtype, cache_dir() / "tmp") if store == "disk" \
                else np.empty((len(unique), vectors.shape[1]), np.dtype(dtype))
        table[rows] = vectors
        have[rows] = True

    for rows, vectors in cache.get_rows(keys) if cache else ():
        put(rows, vectors)
    from_cache = int(have.sum())
    todo = np.flatnonzero(~have)
    if len(todo):
        model = load_model(spec.path)
        lengths = unique.str.len().to_numpy(np.int64)[todo]
        todo = todo[np.argsort(lengths, kind="stable")]  # by length (numpy: no Python list per text)
        del lengths
        bar = progress(total=len(todo), desc="embed", unit="text") if progress else None
        start = 0
        while start < len(todo):
            # fewer long texts per batch: attention memory grows with batch x length^2, and a
            # batch of 64 texts of 512 tokens alone costs gigabytes
            longest = len(unique[todo[min(start + batch_size * 8, len(todo)) - 1]]) // 3 + 8
            size = int(min(batch_size, max(4, batch_size * 128 // longest)))
            block = todo[start:start + size * 8].tolist()
            start += len(block)
            batch = [spec.prefix + t for t in unique.take(block).tolist()]
            out = model.encode(batch, batch_size=size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
            if cache:
                cache.put_many([keys[i] for i in block], out)
            put(block, out)
            if bar:
                bar.update(len(block))
        if bar:
            bar.close()
    if cache:
        cache.close()
    stats = {"texts": len(texts), "unique": len(unique), "from_cache": from_cache, "computed": len(todo)}
    if table is None:
        table = np.zeros((0, 0), np.dtype(dtype))
    # int32 rows where they fit: the index is per text, so at millions of texts it counts
    index_type = np.int32 if len(unique) < 2 ** 31 else np.int64
    return SharedRows(table, inverse.astype(index_type)), stats


def embed_texts(texts: list[str], spec: ModelSpec, **options) -> tuple[np.ndarray, dict[str, int]]:
    """(N, d) L2-normalised embeddings of ``texts`` as one plain matrix (``embed_rows`` expanded),
    and counts of what was computed; options as ``embed_rows``'."""
    rows, stats = embed_rows(texts, spec, **options)
    return np.asarray(rows), stats
