"""Embed texts: exact duplicates once, cached ones not at all, the rest sorted by length
and batched (padding is what costs on a CPU)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..engine.blocks import TextColumns, row_blocks
from ..engine.resources import cache_dir
from .cache import EmbeddingCache, text_key
from .model import ModelSpec, load_model, model_environment
from .rows import STORES, DiskTable, SharedRows

# two independent 64-bit SipHashes of a text (pandas' hash_array, two keys): texts are matched
# by the pair, so no table of the texts is needed to find the repeats; two different texts
# match only if both 64-bit hashes collide
_HASH_KEYS = ("themes-dedup-k01", "themes-dedup-k02")


def distinct_rows(texts: TextColumns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct text once, in order of first appearance (as ``pd.factorize``): per distinct
    text the row it first appears at and its length in characters, and per row its distinct
    text's position; made from hashes of a block of texts at a time."""
    n = len(texts)
    hashes = np.empty((n, 2), np.uint64)
    lengths = np.empty(n, np.int32)
    for start, block in texts.blocks():
        values = np.asarray(block, dtype=object)
        for j, key in enumerate(_HASH_KEYS):
            hashes[start:start + len(block), j] = pd.util.hash_array(values, hash_key=key, categorize=False)
        lengths[start:start + len(block)] = [len(t) for t in block]
    # rows sorted by hash pair (lexsort is stable: a repeat's first row leads its run), runs
    # numbered; a column of hashes at a time, the positions as int32 where they fit: on large
    # exports every per-row array counts
    index = np.int32 if n < 2 ** 31 else np.int64
    order = np.lexsort((hashes[:, 1], hashes[:, 0])).astype(index)
    starts = np.ones(n, bool)
    for j in range(hashes.shape[1]):
        column = hashes[order, j]
        starts[1:] &= column[1:] == column[:-1]
    del hashes, column
    np.logical_not(starts, out=starts)
    starts[:1] = True
    run = np.cumsum(starts, dtype=index) - 1
    first = order[starts]
    by_appearance = np.argsort(first, kind="stable")
    position = np.empty(len(first), index)
    position[by_appearance] = np.arange(len(first), dtype=index)
    inverse = np.empty(n, index)
    inverse[order] = position[run]
    first = first[by_appearance]
    return first, lengths[first], inverse


def embed_rows(texts: Sequence[str] | pd.Series | TextColumns, spec: ModelSpec, *, batch_size: int = 64,
               use_cache: bool = True, progress: Callable | None = None, dtype: str = "float32",
               store: str = "memory") -> tuple[SharedRows, dict[str, int]]:
    """L2-normalised embeddings of ``texts`` as ``SharedRows`` (each distinct text's vector once,
    and per text the row of its vector) and counts of what was computed. ``dtype`` float16 halves
    the vectors (the scale tier); the cache always holds float32. ``store`` "disk" keeps the
    distinct vectors in a temporary file under the cache folder (``DiskTable``), not in memory.
    ``texts`` may be ``TextColumns`` (the embed stage's: read a block at a time, so the texts are
    made as Python strings only for the batch in hand)."""
    if store not in STORES:
        raise ValueError(f"embed_rows: store must be one of {STORES}, got {store!r}")
    texts = TextColumns.of(texts)
    first, lengths, inverse = distinct_rows(texts)
    cache = EmbeddingCache(cache_dir() / "embeddings.sqlite", spec.fingerprint) if use_cache else None
    have = np.zeros(len(first), bool)
    table: np.ndarray | DiskTable | None = None  # allocated at the first vector, when its width is known

    def put(rows: np.ndarray, vectors: np.ndarray) -> None:
        nonlocal table
        if table is None:
            table = DiskTable(len(first), vectors.shape[1], dtype, cache_dir() / "tmp") if store == "disk" \
                else np.empty((len(first), vectors.shape[1]), np.dtype(dtype))
        table[rows] = vectors
        have[rows] = True

    if cache:
        for block in row_blocks(len(first)):
            keys = [text_key(t) for t in texts.take(first[block])]
            for rows, vectors in cache.get_rows(keys):
                put(block.start + np.asarray(rows, np.int64), vectors)
    from_cache = int(have.sum())
    todo = np.flatnonzero(~have)
    if len(todo):
        model = load_model(spec.path)
        with model_environment():
            todo = todo[np.argsort(lengths[todo], kind="stable")]  # by length: padding is what costs
            bar = progress(total=len(todo), desc="embed", unit="text") if progress else None
            start = 0
            while start < len(todo):
                # fewer long texts per batch: attention memory grows with batch x length^2, and a
                # batch of 64 texts of 512 tokens alone costs gigabytes
                longest = int(lengths[todo[min(start + batch_size * 8, len(todo)) - 1]]) // 3 + 8
                size = int(min(batch_size, max(4, batch_size * 128 // longest)))
                block = todo[start:start + size * 8]
                start += len(block)
                batch = texts.take(first[block])
                out = model.encode([spec.prefix + t for t in batch], batch_size=size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
                if cache:
                    cache.put_many([text_key(t) for t in batch], out)
                put(block, out)
                if bar:
                    bar.update(len(block))
            if bar:
                bar.close()
    if cache:
        cache.close()
    stats = {"texts": len(texts), "unique": len(first), "from_cache": from_cache, "computed": len(todo)}
    if table is None:
        table = np.zeros((0, 0), np.dtype(dtype))
    return SharedRows(table, inverse), stats  # int32 rows where they fit (distinct_rows)


def embed_texts(texts: list[str], spec: ModelSpec, **options) -> tuple[np.ndarray, dict[str, int]]:
    """(N, d) L2-normalised embeddings of ``texts`` as one plain matrix (``embed_rows`` expanded),
    and counts of what was computed; options as ``embed_rows``'."""
    rows, stats = embed_rows(texts, spec, **options)
    return np.asarray(rows), stats
