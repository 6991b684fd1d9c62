"""The embedding cache and embed_texts' bookkeeping: vectors land in the right rows whether they
come from the cache or the model, repeated texts are embedded once, nothing is recomputed."""

from __future__ import annotations

import dataclasses

import numpy as np

from themes.embedding.cache import EmbeddingCache, text_key
from themes.embedding.encode import embed_texts


def test_cached_rows_come_back_at_their_positions(tmp_path):
    cache = EmbeddingCache(tmp_path / "e.sqlite", "fp")
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    cache.put_many([text_key(t) for t in "abcd"], vectors)
    keys = [text_key(t) for t in "xdzb"]  # d and b cached, x and z not
    got = {pos: vec for rows, matrix in cache.get_rows(keys) for pos, vec in zip(rows, matrix)}
    assert sorted(got) == [1, 3]
    assert np.array_equal(got[1], vectors[3]) and np.array_equal(got[3], vectors[1])
    assert list(EmbeddingCache(tmp_path / "e.sqlite", "other").get_rows(keys)) == []  # keyed by model too


def test_embed_texts_fills_repeats_and_cache_hits_without_the_model(cached_model):
    vectors = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    spec = cached_model(["one", "two", "three"], vectors)
    # every text is cached: the (nonexistent) model is never loaded
    X, stats = embed_texts(["two", "one", "two", "three", "one"], spec)
    assert stats == {"texts": 5, "unique": 3, "from_cache": 3, "computed": 0}
    assert np.array_equal(X, vectors[[1, 0, 1, 2, 0]])
    assert X.dtype == np.float32 and X.flags["C_CONTIGUOUS"]
    empty, _ = embed_texts([], dataclasses.replace(spec))
    assert empty.shape[0] == 0


def test_embed_rows_keeps_each_distinct_vector_once(cached_model):
    from themes.analysis.flags import FLAGS, FlagHead
    from themes.analysis.sentiment import SentimentHead
    from themes.embedding.encode import embed_rows

    rng = np.random.default_rng(1)
    spec = cached_model(["one", "two", "three"], rng.standard_normal((3, 8)).astype(np.float32))
    texts = ["two", "one", "two", "three", "one", "two"]
    rows, _ = embed_rows(texts, spec, dtype="float16")
    assert rows.table.shape == (3, 8) and rows.shape == (6, 8) and rows.dtype == np.float16
    dense, _ = embed_texts(texts, spec, dtype="float16")
    assert np.array_equal(np.asarray(rows), dense) and np.array_equal(rows[2:5], dense[2:5])
    # the embed stage passes a string column: the same distinct rows, in the same order
    import pandas as pd

    column, stats = embed_rows(pd.Series(texts, dtype="str"), spec, dtype="float16")
    assert stats["unique"] == 3 and np.array_equal(np.asarray(column), dense)
    assert np.array_equal(column.table, rows.table)
    part = rows.subset(slice(1, 4))
    assert part.table is rows.table and np.array_equal(np.asarray(part), dense[1:4])
    # all rows distinct and in order: asarray is the table itself, np.array a copy of it
    distinct, _ = embed_rows(["one", "two", "three"], spec)
    assert np.shares_memory(np.asarray(distinct), distinct.table)
    assert not np.shares_memory(np.array(distinct), distinct.table)
    # the heads read them as they read the expanded matrix
    head = SentimentHead([[(rng.standard_normal((8, 4)).astype(np.float32), np.zeros(4, np.float32)),
                           (rng.standard_normal((4, 3)).astype(np.float32), np.zeros(3, np.float32))]])
    assert np.array_equal(head.predict_proba(rows), head.predict_proba(dense))
    flags = FlagHead(rng.standard_normal((8, len(FLAGS))).astype(np.float32), np.zeros(len(FLAGS), np.float32), {})
    assert np.array_equal(flags.predict(rows), flags.predict(dense))


def test_distinct_rows_are_what_factorize_finds_over_blocks_and_parts():
    # the embed stage finds repeats by hashes of a block of texts at a time: the same distinct
    # texts, in the same order of first appearance, as pd.factorize of the texts as one column
    import pandas as pd

    from themes.embedding.encode import distinct_rows
    from themes.engine.blocks import BLOCK_ROWS, TextColumns

    rng = np.random.default_rng(3)
    words = np.array(["delivery", "доставка", "piegāde", "slow", "", "ok", "👍"])
    texts = [" ".join(rng.choice(words, int(rng.integers(1, 4)))) for _ in range(BLOCK_ROWS + 5000)]
    head, tail = texts[:40000], texts[40000:]
    first, lengths, inverse = distinct_rows(TextColumns((pd.Series(head, dtype="str"), None), (tail, str.strip)))
    whole = pd.Series(head + [t.strip() for t in tail], dtype="str")
    codes, uniques = pd.factorize(whole)
    assert len(uniques) > 100 and np.array_equal(inverse, codes)
    assert whole.iloc[first].tolist() == uniques.tolist() and lengths.tolist() == [len(u) for u in uniques]
    assert [len(part) for part in distinct_rows(TextColumns(([], None)))] == [0, 0, 0]


def test_a_disk_table_reads_back_what_was_written_in_any_row_order(tmp_path):
    import pickle

    from themes.embedding.rows import DiskTable

    rng = np.random.default_rng(2)
    full = rng.standard_normal((50, 6)).astype(np.float16)
    table = DiskTable(50, 6, np.float16, tmp_path)
    assert list(tmp_path.iterdir()) == []  # unlinked at once: nothing is left behind, even by a crash
    for part in np.array_split(rng.permutation(50), 4):  # written in scattered blocks, as embedding does
        table[part.tolist()] = full[part]
    picks = np.array([7, 3, 3, 49, 0, 8, 9, 10, 7])  # repeats, runs and gaps
    assert np.array_equal(table[picks], full[picks]) and np.array_equal(table[5:20], full[5:20])
    assert np.array_equal(table[np.int64(4)], full[4]) and table[picks].dtype == np.float16
    assert np.array_equal(table[np.arange(50) % 7 == 0], full[::7])  # a mask, as numpy reads it
    assert np.array_equal(np.asarray(table), full) and table.nbytes == 0
    assert np.array_equal(pickle.loads(pickle.dumps(table)), full)  # another process gets the matrix
    for bad in ([50], [-1]):
        try:
            table[np.array(bad)]
        except IndexError:
            pass
        else:
            raise AssertionError(f"row {bad} was read")


def test_embed_rows_on_disk_give_what_the_rows_in_memory_give(cached_model):
    from themes.analysis.theme_model import ThemeModel
    from themes.embedding.encode import embed_rows
    from themes.embedding.rows import DiskTable

    rng = np.random.default_rng(3)
    texts = [f"text {i}" for i in range(40)]
    spec = cached_model(texts, rng.standard_normal((40, 8)).astype(np.float32))
    rows = [texts[i] for i in rng.integers(0, 40, 120)]
    disk, _ = embed_rows(rows, spec, store="disk")
    memory, _ = embed_rows(rows, spec)
    assert isinstance(disk.table, DiskTable) and isinstance(memory.table, np.ndarray)
    assert np.array_equal(np.asarray(disk), np.asarray(memory))
    every_third = np.arange(len(rows)) % 3 == 0
    assert np.array_equal(disk[10:30], memory[10:30]) and np.array_equal(disk[every_third], memory[every_third])
    languages = np.array(["en", "ru", "lv"] * 40)
    params = {"n_themes": 3, "min_language_count": 5, "seed": 0}
    assert np.array_equal(ThemeModel(**params).fit(disk, languages).transform(disk, languages),
                          ThemeModel(**params).fit(memory, languages).transform(memory, languages))
