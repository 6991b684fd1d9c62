"""Embed texts: exact duplicates once, cached ones not at all, the rest sorted by length
and batched (padding is what costs on a CPU)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..blocks import ranges
from ..resources import cache_dir
from .cache import EmbeddingCache, text_key
from .model import ModelSpec, load_model


def embed_texts(texts: list[str], spec: ModelSpec, *, batch_size: int = 64, use_cache: bool = True,
                progress: Callable | None = None, dtype: str = "float32") -> tuple[np.ndarray, dict[str, int]]:
    """(N, d) L2-normalised embeddings of ``texts`` and counts of what was computed.

    Each unique text is embedded once and its vector written straight to every row that holds
    the text, in one preallocated (N, d) matrix: memory is that matrix, never a second one of the
    unique texts beside it. ``dtype`` float16 halves it (the scale tier: 1.5 GB instead of 3 GB per
    two million texts); the cache always holds float32."""
    index: dict[str, int] = {}
    inverse = np.fromiter((index.setdefault(t, len(index)) for t in texts), np.int64, len(texts))
    unique = list(index)
    del index
    # rows of unique text u: order[starts[u]:starts[u + 1]]
    order = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=len(unique))
    starts = np.concatenate([[0], np.cumsum(counts)])
    del inverse
    cache = EmbeddingCache(cache_dir() / "embeddings.sqlite", spec.fingerprint) if use_cache else None
    keys = [text_key(t) for t in unique] if cache else []
    have = np.zeros(len(unique), bool)
    matrix: np.ndarray | None = None  # allocated at the first vector, when its width is known

    def put(rows: list[int], vectors: np.ndarray) -> None:
        nonlocal matrix
        if matrix is None:
            matrix = np.empty((len(texts), vectors.shape[1]), np.dtype(dtype))
        rows = np.asarray(rows, np.int64)
        matrix[order[ranges(starts[rows], counts[rows])]] = np.repeat(vectors, counts[rows], axis=0)
        have[rows] = True

    for rows, vectors in cache.get_rows(keys) if cache else ():
        put(rows, vectors)
    from_cache = int(have.sum())
    todo = np.flatnonzero(~have)
    if len(todo):
        model = load_model(spec.path)
        lengths = np.fromiter((len(unique[i]) for i in todo), np.int64, len(todo))
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
        return np.zeros((0, 0), np.dtype(dtype)), stats
    return matrix, stats
