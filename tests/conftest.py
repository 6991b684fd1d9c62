"""Shared fixtures. Tests that need the embedding model are marked ``model``; the model is
converted once into the user cache and loaded once per test session."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def load_sample_generator():
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "examples" / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sample_rows():
    """The bundled sample's rows (600 comments) with their planted themes and languages."""
    return load_sample_generator().make_rows()


@pytest.fixture
def sample_csv(tmp_path, sample_rows) -> Path:
    path = tmp_path / "survey.csv"
    pd.DataFrame(sample_rows).drop(columns=["language"]).to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def analysed(tmp_path_factory, sample_rows):
    """One end-to-end run over a small fixture, shared by the end-to-end tests."""
    import themes

    folder = tmp_path_factory.mktemp("e2e")
    path = folder / "survey.csv"
    pd.DataFrame(sample_rows).drop(columns=["language"]).to_csv(path, index=False)
    result = themes.analyze(path, segments=["channel", "customer_segment"])
    out = result.save(folder / "out")
    return result, out


@pytest.fixture
def cached_model(tmp_path, monkeypatch):
    """A model that exists only in a fresh embedding cache: ``cached_model(texts, vectors)``
    stores the vectors and returns its ModelSpec (the nonexistent model is never loaded when
    every text is cached)."""
    from themes.embedding.cache import EmbeddingCache, text_key
    from themes.embedding.model import ModelSpec

    monkeypatch.setenv("THEMES_CACHE_DIR", str(tmp_path))

    def make(texts, vectors):
        cache = EmbeddingCache(tmp_path / "embeddings.sqlite", "fp")
        cache.put_many([text_key(t) for t in texts], vectors)
        cache.close()
        return ModelSpec(name="fake", path=Path("/nonexistent"), prefix="", fingerprint="fp")

    return make
