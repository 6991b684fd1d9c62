"""The same complaint in English, Russian and Latvian is one theme: measured on the project's
parallel sentences (benchmarks/data/parallel_themes.csv: 10 complaint themes x 6 sentences,
each written in en, ru and lv)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.model

PARALLEL = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "parallel_themes.csv"


@pytest.fixture(scope="module")
def parallel():
    wide = pd.read_csv(PARALLEL)
    return wide.melt(id_vars=["group", "theme"], value_vars=["en", "ru", "lv"], var_name="language",
                     value_name="text")


def _purity(groups, labels) -> float:
    """Share of translation triples whose three sentences got the same theme."""
    return float(pd.DataFrame({"g": groups, "t": labels}).groupby("g")["t"].nunique().eq(1).mean())


def test_translations_land_in_the_same_theme(parallel):
    import themes

    result = themes.analyze(parallel[["text", "language"]], text="text", lang="language")
    got = result.comments.sort_values("row")["primary_theme"].to_numpy()
    assert len(got) == len(parallel)
    assert _purity(parallel["group"], got) >= 0.9
    # and every theme holds all three languages
    by_theme = pd.DataFrame({"t": got, "lang": parallel["language"]}).groupby("t")["lang"].nunique()
    assert (by_theme.drop("other", errors="ignore") == 3).all()


def test_centring_per_language_is_what_keeps_translations_together(parallel):
    from themes.analysis.theme_model import ThemeModel
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model

    X, _ = embed_texts(parallel["text"].tolist(), resolve_model(None))
    langs = parallel["language"].to_numpy(dtype=object)
    per_language = ThemeModel(n_themes=10).fit(X, langs)
    uncentred = ThemeModel(n_themes=10, center="global").fit(X, langs)
    nearest = [np.asarray(m.theme_ids_)[m.predict(X, langs)] for m in (per_language, uncentred)]
    assert _purity(parallel["group"], nearest[0]) >= 0.9
    assert _purity(parallel["group"], nearest[0]) > _purity(parallel["group"], nearest[1])
