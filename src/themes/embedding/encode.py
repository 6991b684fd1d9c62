"""Embed texts: exact duplicates once, cached ones not at all, the rest sorted by length
and batched (padding is what costs on a CPU)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..resources import cache_dir
from .cache import EmbeddingCache, text_key
from .model import ModelSpec, load_model


def embed_texts(texts: list[str], spec: ModelSpec, *, batch_size: int = 64, use_cache: bool = True,
                progress: Callable | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """(N, d) float32 L2-normalised embeddings of ``texts`` and counts of what was computed.

    Vectors go straight into one preallocated matrix of the unique texts (from the cache, then
    from the model), so memory is that matrix, plus the output when texts repeat."""
    unique = list(dict.fromkeys(texts))
    keys = [text_key(t) for t in unique]
    cache = EmbeddingCache(cache_dir() / "embeddings.sqlite", spec.fingerprint) if use_cache else None
    have = np.zeros(len(unique), bool)
    matrix: np.ndarray | None = None  # allocated at the first vector, when its width is known

    def put(rows: list[int], vectors: np.ndarray) -> None:
        nonlocal matrix
        if matrix is None:
            matrix = np.empty((len(unique), vectors.shape[1]), np.float32)
        matrix[rows] = vectors
        have[rows] = True

    for rows, vectors in cache.get_rows(keys) if cache else ():
        put(rows, vectors)
    from_cache = int(have.sum())
    todo = np.flatnonzero(~have).tolist()
    if todo:
        model = load_model(spec.path)
        todo.sort(key=lambda i: len(unique[i]))
        bar = progress(total=len(todo), desc="embed", unit="text") if progress else None
        start = 0
        while start < len(todo):
            # fewer long texts per batch: attention memory grows with batch x length^2, and a
            # batch of 64 texts of 512 tokens alone costs gigabytes
            longest = len(unique[todo[min(start + batch_size * 8, len(todo)) - 1]]) // 3 + 8
            size = int(min(batch_size, max(4, batch_size * 128 // longest)))
            block = todo[start:start + size * 8]
            start += len(block)
            batch = [spec.prefix + unique[i] for i in block]
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
    if matrix is None:
        return np.zeros((0, 0), np.float32), stats
    if len(unique) < len(texts):  # repeated texts: one row each, from the unique matrix
        position = {t: i for i, t in enumerate(unique)}
        matrix = matrix[[position[t] for t in texts]]
    return matrix, stats
