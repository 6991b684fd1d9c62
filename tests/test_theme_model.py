"""The theme model's scikit-learn contract, its cross-language centring, and persistence."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score, homogeneity_score

from themes.analysis.theme_model import ThemeModel
from themes.errors import ThemesError


def planted(n_per=60, k=6, d=32, languages=("en", "ru", "lv"), shift=3.0, seed=0):
    """k topics shared by every language; each language adds its own large offset, as
    multilingual encoders do."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(k, d)) * 2.0
    offsets = {lang: rng.normal(size=d) * shift for lang in languages}
    X, y, langs = [], [], []
    for lang in languages:
        for t in range(k):
            X.append(topics[t] + offsets[lang] + rng.normal(scale=0.6, size=(n_per, d)))
            y += [t] * n_per
            langs += [lang] * n_per
    return np.vstack(X).astype(np.float32), np.array(y), np.array(langs, dtype=object)


def test_sklearn_contract():
    model = ThemeModel(min_themes=3, max_themes=5, seed=1)
    params = model.get_params()
    assert params["min_themes"] == 3 and params["seed"] == 1
    twin = clone(model).set_params(max_themes=7)
    assert twin.get_params()["max_themes"] == 7 and model.get_params()["max_themes"] == 5
    with pytest.raises(ThemesError, match="not fitted"):
        model.predict(np.zeros((2, 4)))


def test_themes_are_pure_across_languages_and_never_slivers():
    X, y, langs = planted()
    model = ThemeModel(min_themes=3, max_themes=10, min_theme_share=0.05).fit(X, langs)
    labels = model.predict(X, langs)
    # as fine as allowed, but each theme holds one planted topic in all three languages
    assert homogeneity_score(y, labels) > 0.95
    assert np.bincount(labels).min() / len(labels) >= 0.04
    assert model.selection_[model.n_themes_] >= 0.05


def test_a_fixed_number_of_themes_recovers_the_planted_ones():
    X, y, langs = planted()
    model = ThemeModel(n_themes=6).fit(X, langs)
    assert model.n_themes_ == 6
    assert adjusted_rand_score(y, model.predict(X, langs)) > 0.95


def test_centering_per_language_is_what_merges_languages():
    X, y, langs = planted(shift=6.0)
    by_language = ThemeModel(n_themes=6, center="language").fit(X, langs).predict(X, langs)
    global_only = ThemeModel(n_themes=6, center="global").fit(X, langs).predict(X, langs)
    assert adjusted_rand_score(y, by_language) > 0.95
    assert adjusted_rand_score(y, global_only) < 0.5  # without it, themes split by language


def test_every_row_gets_a_theme_and_ids_are_ordered_by_size():
    X, _, langs = planted()
    model = ThemeModel(n_themes=6).fit(X, langs)
    labels = model.predict(X, langs)
    assert labels.min() >= 0 and labels.max() < 6
    sizes = np.bincount(labels, minlength=6)
    assert list(sizes) == sorted(sizes, reverse=True)
    assert model.theme_ids_ == [f"t{i:02d}" for i in range(1, 7)]


def test_same_seed_same_themes_and_other_seeds_agree():
    X, _, langs = planted(seed=3)
    a = ThemeModel(n_themes=6, sample_size=200, seed=1).fit(X, langs).predict(X, langs)
    b = ThemeModel(n_themes=6, sample_size=200, seed=1).fit(X, langs).predict(X, langs)
    c = ThemeModel(n_themes=6, sample_size=200, seed=2).fit(X, langs).predict(X, langs)
    assert (a == b).all()
    assert adjusted_rand_score(a, c) > 0.9


def test_save_and_load_give_identical_assignments_without_pickle(tmp_path):
    X, _, langs = planted()
    model = ThemeModel(min_themes=3, max_themes=8).fit(X, langs)
    model.save(tmp_path / "m")
    files = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert files == ["centroids.npy", "global_mean.npy", "language_means.npy", "sub_centroids.npy",
                     "theme_model.json"]
    loaded = ThemeModel.load(tmp_path / "m")
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.predict(X, langs), model.predict(X, langs))
    before, after = model.assign(X, langs), loaded.assign(X, langs)
    assert len(model.sub_ids_) > 0
    np.testing.assert_array_equal(before.theme_id, after.theme_id)
    np.testing.assert_array_equal(before.subtheme_id, after.subtheme_id)


def test_unseen_language_falls_back_to_the_global_centre():
    X, _, langs = planted()
    model = ThemeModel(n_themes=6).fit(X, langs)
    out = model.transform(X[:5], np.array(["de"] * 5, dtype=object))
    assert out.shape == (5, 6) and np.isfinite(out).all()


@pytest.mark.parametrize("X, langs, message", [
    (np.zeros((0, 4)), None, "non-empty"),
    (np.full((3, 4), np.nan), None, "NaN"),
    (np.zeros((3, 4)), np.array(["en"]), "3 embeddings but 1 languages"),
])
def test_input_validation_messages(X, langs, message):
    with pytest.raises(ThemesError, match=message):
        ThemeModel().fit(X, langs)


def test_wrong_dimension_on_transform():
    X, _, langs = planted()
    model = ThemeModel(n_themes=6).fit(X, langs)
    with pytest.raises(ThemesError, match="different embedding model"):
        model.transform(np.zeros((2, 8)))


def planted_hierarchy(parents=5, children=3, n_per=40, d=48, seed=0):
    """Parents far apart, each with children closer together, in three languages with offsets."""
    rng = np.random.default_rng(seed)
    X, parent, child, langs = [], [], [], []
    offsets = {lang: rng.normal(size=d) * 3.0 for lang in ("en", "ru", "lv")}
    for p in range(parents):
        centre = rng.normal(size=d) * 3.0
        for c in range(children):
            sub = centre + rng.normal(size=d) * 1.2
            for lang, offset in offsets.items():
                X.append(sub + offset + rng.normal(scale=0.4, size=(n_per, d)))
                parent += [p] * n_per
                child += [p * children + c] * n_per
                langs += [lang] * n_per
    return np.vstack(X).astype(np.float32), np.array(parent), np.array(child), np.array(langs, dtype=object)


def test_two_levels_recover_planted_parents_and_children():
    X, parent, child, langs = planted_hierarchy()
    model = ThemeModel(min_themes=3, max_themes=8, min_theme_share=0.1).fit(X, langs)
    found = model.assign(X, langs)
    assert model.n_themes_ == 5
    top = found.theme_id != "other"
    assert adjusted_rand_score(parent[top], found.theme_id[top]) > 0.95
    assert adjusted_rand_score(child[top], found.subtheme_id[top]) > 0.9
    # sub-theme ids name their parent: t03.2 sits under t03
    assert all(s.split(".")[0] == t for s, t in zip(found.subtheme_id[top], found.theme_id[top]))


def test_a_theme_too_small_to_split_has_no_sub_themes():
    X, _, langs = planted(n_per=12, k=4)  # 36 rows per theme
    model = ThemeModel(n_themes=4, min_theme_size=20).fit(X, langs)  # a split needs 2 x 20 rows
    assert model.sub_ids_ == [] and (model.assign(X, langs).subtheme_id == "").all()
    model = ThemeModel(n_themes=4, min_theme_size=10).fit(X, langs)
    assert len(model.sub_ids_) >= 2 * 4


def test_what_fits_no_theme_goes_to_other_and_the_share_is_capped():
    X, _, _, langs = planted_hierarchy(seed=4)
    rng = np.random.default_rng(9)
    centre = X.mean(axis=0)
    noise = (centre + rng.normal(scale=0.4, size=(60, X.shape[1]))).astype(np.float32)  # near no theme
    model = ThemeModel(min_themes=3, max_themes=8).fit(X, langs)
    found = model.assign(noise, np.array(["en"] * len(noise), dtype=object))
    assert (found.theme_id == "other").mean() > 0.9
    assert (found.subtheme_id[found.theme_id == "other"] == "").all()
    fitted = model.assign(X, langs)
    assert (fitted.theme_id == "other").mean() <= 0.01  # clean planted data: (almost) nothing is other
    both = np.vstack([X, noise])
    both_langs = np.concatenate([langs, np.array(["en"] * len(noise), dtype=object)])
    model.cap_other(model.assign(both, both_langs).similarity, max_share=0.02)
    assert (model.assign(both, both_langs).theme_id == "other").mean() <= 0.02 + 1e-9


def test_results_do_not_depend_on_the_row_blocks_that_bound_memory(monkeypatch):
    """fit and assign work through rows in blocks (memory bounded by the block, not the export);
    the block size must not change a single assignment, and similarities only in float32's last
    bits (BLAS sums a block in another order)."""
    import themes.analysis.theme_model as tm
    from themes.engine.blocks import row_blocks

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 32)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    langs = rng.choice(["en", "ru", "lv"], 3000)
    whole = ThemeModel(seed=1, sample_size=1000).fit(X, langs)
    expected = whole.assign(X, langs)
    monkeypatch.setattr(tm, "row_blocks", lambda n: row_blocks(n, 137))
    small = ThemeModel(seed=1, sample_size=1000).fit(X, langs)
    got = small.assign(X, langs)
    assert len(row_blocks(3000, 137)) == 22
    assert (got.theme_id == expected.theme_id).all() and (got.subtheme_id == expected.subtheme_id).all()
    assert np.allclose(got.similarity, expected.similarity, atol=1e-6)
    assert np.allclose(small.centroids_, whole.centroids_, atol=1e-6)
    assert small.other_floor_ == pytest.approx(whole.other_floor_, abs=1e-6)


def test_shared_rows_give_what_the_expanded_matrix_gives():
    """The pipeline passes vectors as SharedRows (each distinct text's vector once): fit and
    assign must not tell them from the expanded matrix."""
    from themes.embedding.rows import SharedRows

    table, _, langs = planted(n_per=20)
    rng = np.random.default_rng(3)
    index = rng.integers(0, len(table), 2000)  # every distinct vector repeated ~5 times
    shared, dense = SharedRows(table, index), table[index]
    langs = langs[index]
    a, b = ThemeModel(seed=1).fit(shared, langs), ThemeModel(seed=1).fit(dense, langs)
    assert np.allclose(a.centroids_, b.centroids_, atol=1e-6) and a.sub_ids_ == b.sub_ids_
    got, expected = a.assign(shared, langs), b.assign(dense, langs)
    assert (got.theme_id == expected.theme_id).all() and np.allclose(got.similarity, expected.similarity, atol=1e-6)
