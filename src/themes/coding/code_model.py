"""The code model: codes comments and clauses with a researcher's codebook, offline.

Follows scikit-learn's contract (``fit`` / ``predict_proba`` / ``predict``, ``get_params``) and
saves to a folder of plain files (JSON + .npy, never pickle).

How it codes, and why:
1. Each code is an anchor in the embedding space: the normalised mean of its name and description
   and of each of its examples, in any language (multilingual e5 puts translations together).
2. Zero-shot, the nearest anchor is a weak coder: descriptions are worded unlike comments. So the
   model teaches itself the export's own wording: the rows whose nearest anchor wins by the widest
   margin (``self_train_share`` of each code's rows) become training rows for a multinomial
   logistic regression on the embeddings, which then codes every row (benchmarks/coding_airline.py).
3. With a human-coded sample (``y``: a code index per row, -1 for rows not coded by hand), those
   rows join the training rows with weight ``coded_weight``: a coded row outweighs a guessed one.
4. A row whose best similarity to any anchor is an outlier among the fitted rows' (below Tukey's
   lower fence, Q1 - ``fence`` x IQR) fits no code: it is ``uncoded`` rather than forced into one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from ..analysis.theme_model import language_means
from ..engine.blocks import row_blocks
from ..engine.resources import read_saved_meta
from ..errors import ThemesError

FORMAT = "themes.code_model/1"
MIN_LANGUAGE_ROWS = 20  # fewer rows of a language: centred on the mean of all


def _rows(X) -> np.ndarray:
    return np.vstack([np.asarray(X[b], np.float32) for b in row_blocks(len(X))]) if len(X) else \
        np.zeros((0, X.shape[1]), np.float32)


class CodeModel(BaseEstimator):
    def __init__(self, self_train_share: float = 0.2, C: float = 0.1, coded_weight: float = 20.0,
                 fence: float = 1.5, min_taught: int = 5, max_iter: int = 2000):
        self.self_train_share = self_train_share
        self.C = C
        self.coded_weight = coded_weight
        self.fence = fence
        self.min_taught = min_taught
        self.max_iter = max_iter

    def space(self, X: np.ndarray, languages=None) -> np.ndarray:
        """Rows as the model compares them with the codes: moved by their language's offset from the
        mean of all rows, normalised. Languages line up, and what all rows share stays (removing it
        too costs agreement: benchmarks/README.md)."""
        out = np.array(X, np.float32, copy=True)
        if languages is not None:
            languages = np.asarray(languages, dtype=object)
            for lang, mean in self.language_means_.items():
                mask = languages == lang
                out[mask] -= mean - self.mean_
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def fit(self, X, y=None, *, anchor_vectors: np.ndarray, anchor_codes, code_ids: list[str],
            languages=None, anchor_languages=None) -> CodeModel:
        """Fit on row embeddings ``X`` (n, dim). ``anchor_vectors`` (m, dim): the embedded texts that
        say what each code means (names with descriptions, examples), ``anchor_codes`` the index in
        ``code_ids`` of each one's code; ``y``: a code index per row from a human-coded sample, -1
        where a row was not coded by hand; ``languages`` / ``anchor_languages``: each row's and each
        text's language, for centring (as the theme model centres: languages sit apart in e5's
        space, and a code with examples in three languages would otherwise sit nearer every row)."""
        from sklearn.linear_model import LogisticRegression

        if not 0 < self.self_train_share <= 1:
            raise ThemesError(f"self_train_share must be in (0, 1], got {self.self_train_share}")
        X = _rows(X)
        texts = np.asarray(anchor_vectors, np.float32)
        owner = np.asarray(anchor_codes, np.int64)
        if texts.ndim != 2 or len(texts) != len(owner) or set(owner.tolist()) != set(range(len(code_ids))):
            raise ThemesError("CodeModel.fit: every code needs at least one anchor text")
        if X.shape[1] != texts.shape[1]:
            raise ThemesError(f"CodeModel.fit: embeddings are {X.shape[1]}-d but the anchors {texts.shape[1]}-d")
        self.mean_, self.language_means_ = language_means(X, languages, MIN_LANGUAGE_ROWS)
        X = self.space(X, languages)
        texts = self.space(texts, anchor_languages)
        means = np.stack([texts[owner == k].mean(axis=0) for k in range(len(code_ids))])
        self.anchors_ = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        anchors = self.anchors_
        self.code_ids_ = list(code_ids)
        S = X @ anchors.T
        guess = S.argmax(axis=1)
        picked, label = np.zeros(len(X), bool), guess.copy()
        for k in range(len(code_ids)):
            # how far code k stands above the best other code, for every row
            margin = S[:, k] - np.delete(S, k, axis=1).max(axis=1) if S.shape[1] > 1 else S[:, k]
            mine = np.flatnonzero(guess == k)
            top = mine[margin[mine] >= np.quantile(margin[mine], 1 - self.self_train_share)] if len(mine) else mine
            if len(top) < self.min_taught:  # a code no row is nearest still learns from the rows nearest it
                nearest = np.argsort(-margin, kind="stable")[: self.min_taught]
                top = np.union1d(top, nearest[~picked[nearest]])
            picked[top] = True
            label[top] = k
        guess = label
        coded = np.full(len(X), -1) if y is None else np.asarray(y, np.int64)
        if len(coded) != len(X):
            raise ThemesError(f"CodeModel.fit: {len(X)} rows but {len(coded)} codes")
        picked &= coded < 0
        labels = np.concatenate([guess[picked], coded[coded >= 0]])
        weights = np.concatenate([np.ones(picked.sum()), np.full((coded >= 0).sum(), self.coded_weight)])
        rows = np.vstack([X[picked], X[coded >= 0]])
        self.coef_ = np.zeros((len(code_ids), X.shape[1]), np.float32)
        self.intercept_ = np.full(len(code_ids), -1e4, np.float32)  # a code no row was taught: never chosen
        present = np.unique(labels)
        if len(present) >= 2:
            lr = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight="balanced").fit(
                rows, labels, sample_weight=weights)
            self.coef_[lr.classes_] = lr.coef_
            self.intercept_[lr.classes_] = lr.intercept_
        else:  # one code taught (or none): every row that fits goes to the nearest anchor
            self.coef_, self.intercept_ = anchors * 50.0, np.zeros(len(code_ids), np.float32)
        best = S.max(axis=1)
        q1, q3 = np.quantile(best, [0.25, 0.75]) if len(best) else (0.0, 0.0)
        self.floor_ = float(q1 - self.fence * (q3 - q1))
        self.n_taught_ = {"self_taught": int(picked.sum()), "coded_by_hand": int((coded >= 0).sum())}
        return self

    def _check(self, X) -> None:
        if not hasattr(self, "coef_"):
            raise ThemesError("the code model is not fitted yet: call fit() first")
        if X.shape[1] != self.coef_.shape[1]:
            raise ThemesError(f"embeddings are {X.shape[1]}-d but the code model was fitted on "
                              f"{self.coef_.shape[1]}-d ones (a different embedding model?)")

    def code(self, X, languages=None) -> tuple[np.ndarray, np.ndarray]:
        """P(code | row), (n, n_codes), and whether each row is near enough to some code's anchor
        to be coded at all (not an outlier): one pass over the rows, a block at a time."""
        self._check(X)
        langs = None if languages is None else np.asarray(languages)
        proba, fits = [np.zeros((0, len(self.code_ids_)), np.float32)], [np.zeros(0, bool)]
        for b in row_blocks(len(X)):
            rows = self.space(np.asarray(X[b], np.float32), None if langs is None else langs[b])
            logits = rows @ self.coef_.T + self.intercept_
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            proba.append(p / p.sum(axis=1, keepdims=True))
            fits.append((rows @ self.anchors_.T).max(axis=1) >= self.floor_)
        return np.vstack(proba), np.concatenate(fits)

    def predict_proba(self, X, languages=None) -> np.ndarray:
        """P(code | row), (n, n_codes)."""
        return self.code(X, languages)[0]

    def predict(self, X, languages=None) -> np.ndarray:
        """The most probable code's index per row."""
        return self.predict_proba(X, languages).argmax(axis=1)

    def fits(self, X, languages=None) -> np.ndarray:
        """Whether each row is near enough to some code's anchor to be coded (not an outlier)."""
        return self.code(X, languages)[1]

    # ------------------------------------------------------------ persistence
    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("anchors_", "coef_", "intercept_", "mean_"):
            np.save(folder / f"{name.rstrip('_')}.npy", np.asarray(getattr(self, name), np.float32), allow_pickle=False)
        langs = sorted(self.language_means_)
        np.save(folder / "language_means.npy", np.asarray([self.language_means_[k] for k in langs], np.float32)
                .reshape(len(langs), -1), allow_pickle=False)
        (folder / "code_model.json").write_text(json.dumps({
            "format": FORMAT, "params": self.get_params(), "code_ids": self.code_ids_, "floor": self.floor_,
            "languages": langs,
            "taught": self.n_taught_}, indent=1, ensure_ascii=False), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> CodeModel:
        folder = Path(folder)
        meta = read_saved_meta(folder, "code_model.json", FORMAT, "code model")
        model = cls(**meta["params"])
        for name in ("anchors", "coef", "intercept", "mean"):
            setattr(model, f"{name}_", np.load(folder / f"{name}.npy", allow_pickle=False))
        means = np.load(folder / "language_means.npy", allow_pickle=False)
        model.language_means_ = dict(zip(meta.get("languages", []), means))
        model.code_ids_ = list(meta["code_ids"])
        model.floor_ = float(meta["floor"])
        model.n_taught_ = dict(meta.get("taught", {}))
        return model
