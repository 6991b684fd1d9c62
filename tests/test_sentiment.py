"""The sentiment head: training, calibration, the plain-file format, re-calibration on an export's
scores, and the shipped head on what feedback really contains (negation, contrast, emoji, caps)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from themes.analysis.sentiment import (
    LABELS,
    SentimentHead,
    expected_calibration_error,
    fit_score_shift,
    load_head,
    train_head,
)
from themes.errors import ThemesError


def _blobs(n_per_class: int = 200, dim: int = 16, spread: float = 0.6, seed: int = 0):
    """Three labelled clusters on the unit sphere, like sentence embeddings of three tones."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, dim))
    X = np.vstack([c + spread * rng.normal(size=(n_per_class, dim)) for c in centres])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(np.float32), np.repeat(np.array(LABELS), n_per_class)


def test_trained_head_separates_the_classes_and_saves_as_plain_files(tmp_path):
    X, y = _blobs()
    head = train_head(X, y, members=2, hidden=16)
    proba = head.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    score, label = head.score(X)
    assert (label == y).mean() > 0.9
    assert score.min() >= -1 and score.max() <= 1
    assert score[y == "positive"].mean() > 0.5 > -0.5 > score[y == "negative"].mean()
    assert "calibration" in head.info and head.temperature > 0

    head.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["head.json", "weights.npz"]
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as arrays:  # no pickled objects
        assert all(a.dtype == np.float32 for a in arrays.values())
    again = SentimentHead.load(tmp_path)
    assert np.allclose(again.predict_proba(X), proba, atol=1e-5)


def test_a_linear_head_of_the_first_format_still_loads(tmp_path):
    rng = np.random.default_rng(1)
    coef, intercept = rng.normal(size=(3, 8)), rng.normal(size=3)
    (tmp_path / "head.json").write_text(json.dumps({"classes": list(LABELS), "coef": coef.tolist(),
                                                    "intercept": intercept.tolist()}))
    X = rng.normal(size=(5, 8)).astype(np.float32)
    logits = X @ coef.T + intercept
    expected = np.exp(logits - logits.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    assert np.allclose(SentimentHead.load(tmp_path).predict_proba(X), expected, atol=1e-5)


def test_subnormal_weights_are_flushed_without_changing_a_probability(tmp_path):
    """Subnormal floats make matrix products ~30x slower on x86; a head never keeps them."""
    X, y = _blobs()
    head = train_head(X, y, members=1, hidden=16)
    W, b = head.members[0][0]
    W[:5, :5] = 1e-41  # what weight decay leaves on a dead unit
    expected = _softmax_of(X @ W + b, head)
    head.save(tmp_path)
    again = SentimentHead.load(tmp_path)
    loaded = again.members[0][0][0]
    tiny = np.finfo(np.float32).tiny
    assert ((loaded != 0) & (np.abs(loaded) < tiny)).sum() == 0 and (loaded[:5, :5] == 0).all()
    assert np.allclose(again.predict_proba(X), expected, atol=1e-6)


def _softmax_of(hidden, head):
    h = np.maximum(hidden, 0) @ head.members[0][1][0] + head.members[0][1][1]
    z = np.exp(h / head.temperature - (h / head.temperature).max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def test_two_classes_train_and_the_missing_one_gets_no_probability():
    X, y = _blobs()
    keep = y != "neutral"
    head = train_head(X[keep], y[keep], members=1, hidden=8)
    proba = head.predict_proba(X)
    assert proba[:, LABELS.index("neutral")].max() < 1e-6
    assert (head.score(X[keep])[1] == y[keep]).mean() > 0.9
    Xw, yw, texts = _worded()  # the lexical part's two-class logit lands in the right columns too
    two = yw != "neutral"
    worded = train_head(Xw[two], yw[two], members=1, hidden=8, texts=[t for t, k in zip(texts, two) if k],
                        n_features=2 ** 10)
    kept_texts = [t for t, k in zip(texts, two) if k]
    assert worded.predict_proba(Xw[two], texts=kept_texts)[:, LABELS.index("neutral")].max() < 1e-6
    assert (worded.score(Xw[two], texts=kept_texts)[1] == yw[two]).mean() > 0.9


def test_bad_training_labels_are_refused():
    X, y = _blobs(20)
    with pytest.raises(ThemesError, match="negative/neutral/positive"):
        train_head(X, np.where(y == "neutral", "meh", y))
    with pytest.raises(ThemesError, match="two sentiment classes"):
        train_head(X, np.full(len(y), "positive"))
    head = train_head(X, y, members=1, hidden=4)
    with pytest.raises(ThemesError, match="expects 16-d"):
        head.predict_proba(np.zeros((2, 10), np.float32))


def test_temperature_fixes_an_overconfident_head():
    X, y = _blobs(300, spread=1.2, seed=3)  # overlapping classes: some labels must be uncertain
    head = train_head(X, y, members=1, hidden=16, held_out=0.0)
    assert head.temperature == 1.0 and "calibration" not in head.info
    head.members = [[(W * 4, b * 4) for W, b in m] for m in head.members]  # 4x too sharp
    overconfident = expected_calibration_error(head.predict_proba(X), y)
    from themes.analysis.sentiment import fit_temperature

    head.temperature = fit_temperature(head.member_logits(X), np.array([LABELS.index(c) for c in y]))
    assert head.temperature > 2
    assert expected_calibration_error(head.predict_proba(X), y) < overconfident / 2


def test_score_shift_undoes_a_bias_the_export_scores_reveal():
    X, y = _blobs(150, seed=4)
    head = train_head(X, y, members=1, hidden=16)
    head.members[0][-1][1][LABELS.index("negative")] += 4.0  # a head that reads everything as a complaint
    groups = np.where(y == "positive", "promoter", np.where(y == "negative", "detractor", "passive"))
    found = fit_score_shift(head, X, groups, "promoter", "detractor")
    assert found["offset"] > 1
    assert found["agreement_after"] > found["agreement_before"]
    assert found["labels_changed"] > 0
    assert (head.score(X, shift=found["shift"])[1] == y).mean() > (head.score(X)[1] == y).mean()
    few = fit_score_shift(head, X, np.where(np.arange(len(y)) < 10, "promoter", "detractor"), "promoter", "detractor")
    assert few["shift"] is None and "at least" in few["why"]


def _worded(n_per_class: int = 120, seed: int = 5):
    """Comments whose tone is in their words only: the embeddings are noise, so whatever the head
    gets right beyond chance, its lexical part read."""
    rng = np.random.default_rng(seed)
    words = {"negative": ["delayed", "rude", "lost", "broken", "задержали"],
             "neutral": ["asked", "about", "schedule", "baggage", "jautāju"],
             "positive": ["great", "thanks", "lovely", "quick", "спасибо"]}
    filler = ["the", "flight", "my", "staff", "today", "was", "and"]
    texts, labels = [], []
    for label, own in words.items():
        for _ in range(n_per_class):
            texts.append(" ".join(rng.choice(filler, 4).tolist() + rng.choice(own, 2).tolist()))
            labels.append(label)
    X = rng.normal(size=(len(texts), 16)).astype(np.float32)
    return X / np.linalg.norm(X, axis=1, keepdims=True), np.array(labels), texts


def test_the_lexical_part_reads_the_words_and_saves_as_plain_files(tmp_path):
    X, y, texts = _worded()
    train = np.arange(len(y)) % 4 != 0
    plain = train_head(X[train], y[train], members=1, hidden=8)
    lexical = train_head(X[train], y[train], members=1, hidden=8, texts=[t for t, k in zip(texts, train) if k],
                         n_features=2 ** 12)
    test_texts = [t for t, k in zip(texts, train) if not k]
    assert plain.reads_text is False and lexical.reads_text is True
    assert (plain.score(X[~train])[1] == y[~train]).mean() < 0.6  # noise embeddings: near chance
    assert (lexical.score(X[~train], texts=test_texts)[1] == y[~train]).mean() > 0.9
    assert lexical.info["lexical"]["weight"] == 0.5 and "calibration" in lexical.info

    lexical.save(tmp_path)
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as arrays:
        assert all(a.dtype == np.float32 for a in arrays.values())
        assert arrays["lex_W"].shape == (2 * 2 ** 12, 3)
    again = SentimentHead.load(tmp_path)
    assert np.allclose(again.predict_proba(X[~train], texts=test_texts),
                       lexical.predict_proba(X[~train], texts=test_texts), atol=1e-5)
    with pytest.raises(ThemesError, match="reads the text"):
        again.predict_proba(X[~train])
    # the stages pass the texts as a string column (and a block of it at a time becomes strings)
    import pandas as pd

    column = pd.Series(test_texts, dtype="str", index=range(100, 100 + len(test_texts)))
    assert np.allclose(again.predict_proba(X[~train], texts=column),
                       again.predict_proba(X[~train], texts=test_texts), atol=1e-6)
    shift = fit_score_shift(again, X, np.where(y == "positive", "promoter", np.where(y == "negative", "detractor",
                                                                                     "passive")),
                            "promoter", "detractor", texts=texts)
    assert shift["agreement_after"] >= shift["agreement_before"] > 0.8
    # scored a block of rows at a time (the members' logits for three million mentions at once
    # held ~0.8 GB): the blocks must not show, texts given as a list or as columns
    import themes.analysis.sentiment as sentiment_module
    from themes.engine.blocks import TextColumns, row_blocks

    whole = again.score(X[~train], texts=test_texts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sentiment_module, "row_blocks", lambda n: row_blocks(n, 7))
        patch.setattr(TextColumns.blocks, "__defaults__", (7,))
        for given in (test_texts, TextColumns((column, None))):
            score, label = again.score(X[~train], texts=given)
            # the same labels; scores equal but for float32's last bits (BLAS sums a block in
            # another order)
            assert np.allclose(score, whole[0], atol=1e-6) and label.tolist() == whole[1].tolist()
    assert len(test_texts) > 7 * 3 and set(whole[1]) == {"negative", "neutral", "positive"}


@pytest.mark.model
def test_the_shipped_head_on_negation_contrast_emoji_and_caps():
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.text.split import mention_core, split_clauses

    head = load_head()
    cases = {"not bad at all": "positive", "к доставке претензий нет": "positive",
             "the app is not good": "negative", "THE APP IS TERRIBLE": "negative",
             "the delivery 👍": "positive", "the delivery 😡": "negative"}
    X, _ = embed_texts(list(cases), resolve_model())
    assert list(head.score(X)[1]) == list(cases.values())
    for text in ("Fast delivery but the courier was rude", "Доставка быстрая, но курьер хамил",
                 "Ātra piegāde, bet kurjers bija rupjš"):
        clauses = [mention_core(c) for c in split_clauses(text)]
        V, _ = embed_texts(clauses, resolve_model())
        assert list(head.score(V)[1]) == ["positive", "negative"], text
