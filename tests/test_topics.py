"""Themes are topics, not tone: the theme model removes the direction that follows sentiment, and
fine clusters about one aspect of the base codeframe become one theme named after it."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from themes.analysis.aspects import Anchors, Aspect, embed_anchors, load_aspects
from themes.analysis.theme_model import ThemeModel
from themes.errors import ThemesError


def toned(n_per=80, k=4, d=32, strength=6.0, seed=0):
    """k topics; every row also leans, by ``strength``, along one tone direction (praise or
    complaint), as sentence embeddings of reviews do."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(k, d))
    axis = rng.normal(size=d)
    axis /= np.linalg.norm(axis)
    X, topic, tone = [], [], []
    for t in range(k):
        mood = rng.choice([-1.0, 1.0], size=n_per)
        X.append(topics[t] + strength * mood[:, None] * axis + rng.normal(scale=0.6, size=(n_per, d)))
        topic += [t] * n_per
        tone += list(mood)
    return np.vstack(X).astype(np.float32), np.array(topic), np.array(tone)


def test_removing_the_tone_direction_makes_themes_follow_topics():
    X, topic, tone = toned()
    langs = np.full(len(X), "en", dtype=object)
    noisy_tone = tone * 0.8 + np.random.default_rng(1).normal(scale=0.3, size=len(tone))  # a head's score
    with_tone = ThemeModel(n_themes=4).fit(X, langs).predict(X, langs)
    without = ThemeModel(n_themes=4).fit(X, langs, tone=noisy_tone).predict(X, langs)
    assert normalized_mutual_info_score(tone, with_tone) > 0.3  # the mood splits themes ...
    assert adjusted_rand_score(topic, without) > 0.95  # ... until its direction is removed
    assert normalized_mutual_info_score(tone, without) < 0.02


def test_the_tone_direction_is_saved_and_applied_to_new_rows(tmp_path):
    X, _, tone = toned(seed=2)
    langs = np.full(len(X), "en", dtype=object)
    model = ThemeModel(n_themes=4).fit(X, langs, tone=tone)
    loaded = ThemeModel.load(model.save(tmp_path / "m"))
    assert np.allclose(loaded.tone_axis_, model.tone_axis_)
    assert (loaded.assign(X, langs).theme_id == model.assign(X, langs).theme_id).all()
    with pytest.raises(ThemesError, match="tone values"):
        ThemeModel().fit(X, langs, tone=tone[:-1])
    # a tone that does not vary (or is missing) removes nothing
    assert ThemeModel(n_themes=4).fit(X, langs, tone=np.zeros(len(X))).tone_axis_ is None
    assert ThemeModel(n_themes=4).fit(X, langs, tone=np.full(len(X), np.nan)).tone_axis_ is None


def aspected(seed=0, d=48, n=40):
    """Four topics of two facets each (eight fine clusters); the base codeframe has anchors for
    three of them and for seventeen topics that no row is about."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(4, d)) * 2.0
    X, topic = [], []
    for t in range(4):
        for _ in range(2):
            facet = rng.normal(size=d) * 1.2
            X.append(topics[t] + facet + rng.normal(scale=0.4, size=(n, d)))
            topic += [t] * n
    others = rng.normal(size=(17, d)) * 2.0
    vectors = np.vstack([topics[:3], others])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = ["food", "staff", "price", *(f"x{i}" for i in range(17))]
    aspects = [Aspect(i, {"en": f"{i.title()} name", "ru": f"{i} по-русски"}, {"en": i}) for i in ids]
    return np.vstack(X).astype(np.float32), np.array(topic), Anchors(aspects, vectors.astype(np.float32))


def test_clusters_about_one_aspect_are_one_named_theme_and_the_rest_stay_discovered(tmp_path):
    X, topic, anchors = aspected()
    langs = np.full(len(X), "en", dtype=object)
    model = ThemeModel(min_themes=8, max_themes=8).fit(X, langs, anchors=anchors)
    got = model.assign(X, langs)
    named = {}
    fits = got.theme_id != "other"  # outliers, as ever
    assert fits.mean() > 0.95
    for t in range(3):  # each anchored topic: all its rows in one theme, named after its aspect
        ids = set(got.theme_id[(topic == t) & fits])
        assert len(ids) == 1
        named[t] = ids.pop()
    assert [model.theme_name(named[t], "en") for t in range(3)] == ["Food name", "Staff name", "Price name"]
    assert model.theme_name(named[0], "ru") == "food по-русски" and model.theme_name(named[0], "lv") == "Food name"
    assert len(set(named.values())) == 3
    # the topic no aspect is about: themes of its own, without a name
    rest = set(got.theme_id[(topic == 3) & fits])
    assert rest.isdisjoint(named.values()) and all(model.theme_name(t, "en") is None for t in rest)
    # a merged theme's clusters are its sub-themes
    assert len(set(got.subtheme_id[(topic == 0) & fits])) == 2
    loaded = ThemeModel.load(model.save(tmp_path / "m"))
    again = loaded.assign(X, langs)
    assert (again.theme_id == got.theme_id).all() and (again.subtheme_id == got.subtheme_id).all()
    assert loaded.theme_name(named[1], "en") == "Staff name"
    # a number of themes asked for is kept: nothing merges
    assert ThemeModel(n_themes=8).fit(X, langs, anchors=anchors).n_themes_ == 8


def test_the_shipped_base_codeframe_and_its_errors(tmp_path):
    aspects = load_aspects()
    assert len(aspects) >= 15 and len({a.id for a in aspects}) == len(aspects)
    for aspect in aspects:  # a name and a description in every language the project serves
        assert {"en", "ru", "lv"} <= set(aspect.names) and {"en", "ru", "lv"} <= set(aspect.descriptions)
        assert 1 <= len(aspect.names["en"].split()) <= 5
    rng = np.random.default_rng(0)
    anchors = embed_anchors(aspects[:2], lambda texts: rng.normal(size=(len(texts), 8)))
    assert anchors.vectors.shape == (2, 8) and np.allclose(np.linalg.norm(anchors.vectors, axis=1), 1, atol=1e-5)
    bad = tmp_path / "aspects.yaml"
    bad.write_text("format: themes.aspects/1\naspects:\n  - id: x\n    name: {en: X}\n    description: {en: x}\n"
                   "  - id: x\n    name: {en: Y}\n    description: {en: y}\n")
    with pytest.raises(ThemesError, match="listed twice"):
        load_aspects(bad)
    bad.write_text("aspects: []\n")
    with pytest.raises(ThemesError, match="format"):
        load_aspects(bad)
    with pytest.raises(ThemesError, match="no aspects file"):
        load_aspects(tmp_path / "missing.yaml")
