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
    """(N, d) float32 L2-normalised embeddings of ``texts`` and counts of what was computed."""
    unique = list(dict.fromkeys(texts))
    keys = [text_key(t) for t in unique]
    cache = EmbeddingCache(cache_dir() / "embeddings.sqlite", spec.fingerprint) if use_cache else None
    found = cache.get_many(keys) if cache else {}
    todo = [i for i, k in enumerate(keys) if k not in found]
    vectors: dict[bytes, np.ndarray] = dict(found)
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
            block_keys = [keys[i] for i in block]
            if cache:
                cache.put_many(block_keys, out)
            vectors.update(zip(block_keys, out))
            if bar:
                bar.update(len(block))
        if bar:
            bar.close()
    if cache:
        cache.close()
    index = {t: vectors[k] for t, k in zip(unique, keys)}
    dim = next(iter(index.values())).shape[0] if index else 0
    matrix = np.stack([index[t] for t in texts]) if texts else np.zeros((0, dim), np.float32)
    return matrix, {"texts": len(texts), "unique": len(unique), "from_cache": len(found),
                    "computed": len(todo)}
