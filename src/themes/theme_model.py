"""The theme model: discovers themes in comment embeddings and assigns texts (comments, clauses) to them.

It follows scikit-learn's contract (``fit`` / ``transform`` / ``predict``, ``get_params``)
and saves to a folder of plain files (JSON + .npy, never pickle).

How it works, and why:
1. Centre per language. Multilingual embeddings of different languages sit in different
   regions, and e5's cosines are compressed (unrelated texts ~0.8). Subtracting each
   language's mean removes both offsets, so a complaint clusters with its translations.
2. Ward clustering of a seeded sample (at most ``sample_size`` rows), cut at every k in
   [min_themes, max_themes]. Unless ``n_themes`` is set, k is the largest cut whose smallest
   theme still holds ``min_theme_share`` of the rows and at least ``min_theme_size`` rows: as
   fine as the data allows without slivers (a handful of comments is not a top-level theme).
   Silhouette cannot choose here: on real feedback it is flat (0.002-0.008 for every k on the
   airline tweets, see benchmarks/). Ward needs no seed and leaves no outliers.
3. Spherical k-means refinement of the Ward centroids on the sample, then every row is
   assigned to its nearest centroid (so millions of rows cost one matrix product).
Themes are numbered by size: t01 is the largest.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from .errors import ThemesError

FORMAT = "themes.theme_model/1"


def _normalise(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.maximum(norms, 1e-12)


def _validate(X, languages, name: str) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ThemesError(f"{name}: expected a non-empty 2-d array of embeddings, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ThemesError(f"{name}: embeddings contain NaN or infinite values")
    if languages is None:
        languages = np.full(X.shape[0], "unknown", dtype=object)
    languages = np.asarray(languages, dtype=object)
    if languages.shape[0] != X.shape[0]:
        raise ThemesError(f"{name}: {X.shape[0]} embeddings but {languages.shape[0]} languages")
    return X, languages


class ThemeModel(BaseEstimator):
    def __init__(self, n_themes: int | None = None, min_themes: int = 5, max_themes: int = 12,
                 min_theme_share: float = 0.02, min_theme_size: int = 10, center: str = "language",
                 min_language_count: int = 20, sample_size: int = 5000, refine_iter: int = 10, seed: int = 42):
        self.n_themes = n_themes
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.min_theme_share = min_theme_share
        self.min_theme_size = min_theme_size
        self.center = center
        self.min_language_count = min_language_count
        self.sample_size = sample_size
        self.refine_iter = refine_iter
        self.seed = seed

    # ------------------------------------------------------------ centring
    def _center(self, X: np.ndarray, languages: np.ndarray) -> np.ndarray:
        out = X - self.global_mean_
        if self.center == "language":
            for lang, mean in self.language_means_.items():
                mask = languages == lang
                if mask.any():
                    out[mask] = X[mask] - mean
        elif self.center != "global":
            raise ThemesError(f"center must be 'language' or 'global', got '{self.center}'")
        return _normalise(out)

    def _fit_centering(self, X: np.ndarray, languages: np.ndarray) -> None:
        self.global_mean_ = X.mean(axis=0)
        self.language_means_ = {}
        if self.center == "language":
            for lang in sorted(set(languages)):
                mask = languages == lang
                if mask.sum() >= self.min_language_count and lang != "unknown":
                    self.language_means_[str(lang)] = X[mask].mean(axis=0)

    # ------------------------------------------------------------ fit
    def fit(self, X, languages=None, y=None) -> ThemeModel:
        X, languages = _validate(X, languages, "ThemeModel.fit")
        if self.min_themes < 1 or self.max_themes < self.min_themes:
            raise ThemesError(f"need 1 <= min_themes <= max_themes, got {self.min_themes}..{self.max_themes}")
        self._fit_centering(X, languages)
        Z = self._center(X, languages)
        rng = np.random.default_rng(self.seed)
        n = Z.shape[0]
        sample = np.sort(rng.choice(n, self.sample_size, replace=False)) if n > self.sample_size else np.arange(n)
        Zs = Z[sample]
        k_range = [self.n_themes] if self.n_themes else list(range(self.min_themes, self.max_themes + 1))
        k_range = sorted({max(1, min(k, len(Zs))) for k in k_range})
        labels_by_k = self._ward_cuts(Zs, k_range)
        # smallest theme's share of the sample at each cut
        self.selection_ = {k: float(np.bincount(lab).min() / len(lab)) for k, lab in labels_by_k.items()}
        floor = max(self.min_theme_share, self.min_theme_size / len(Zs))
        fine_enough = [k for k, share in self.selection_.items() if share >= floor]
        k = self.n_themes or max(fine_enough, default=min(k_range))
        k = max(1, min(k, len(Zs)))
        labels = labels_by_k[k]
        centroids = _normalise(np.stack([Zs[labels == c].mean(axis=0) for c in np.unique(labels)]))
        for _ in range(self.refine_iter):
            assign = (Zs @ centroids.T).argmax(axis=1)
            updated = np.stack([Zs[assign == c].mean(axis=0) if (assign == c).any() else centroids[c]
                                for c in range(len(centroids))])
            updated = _normalise(updated)
            if np.allclose(updated, centroids, atol=1e-6):
                break
            centroids = updated
        # number themes by size on all data, largest first; ids are stable once saved
        sizes = np.bincount((Z @ centroids.T).argmax(axis=1), minlength=len(centroids))
        order = np.argsort(-sizes, kind="stable")
        self.centroids_ = centroids[order].astype(np.float32)
        self.theme_ids_ = [f"t{i + 1:02d}" for i in range(len(order))]
        self.n_themes_ = len(order)
        # how well the fitted rows fit: below this, new material "fits no theme" (candidates)
        self.fit_floor_ = float(np.quantile((Z @ self.centroids_.T).max(axis=1), 0.05))
        return self

    @staticmethod
    def _ward_cuts(Zs: np.ndarray, k_range: list[int]) -> dict[int, np.ndarray]:
        from scipy.cluster.hierarchy import fcluster, linkage

        if len(Zs) < 3:
            return {k: np.zeros(len(Zs), int) for k in k_range}
        tree = linkage(Zs.astype(np.float64), method="ward")
        return {k: fcluster(tree, t=k, criterion="maxclust") - 1 for k in k_range}

    # ------------------------------------------------------------ use
    def transform(self, X, languages=None) -> np.ndarray:
        """Cosine similarity of each (centred) embedding to each theme centroid, (N, n_themes)."""
        self._check_fitted()
        X, languages = _validate(X, languages, "ThemeModel.transform")
        if X.shape[1] != self.centroids_.shape[1]:
            raise ThemesError(f"embeddings are {X.shape[1]}-d but the theme model was fitted on "
                              f"{self.centroids_.shape[1]}-d ones (a different embedding model?)")
        return self._center(X, languages) @ self.centroids_.T

    def predict(self, X, languages=None) -> np.ndarray:
        """Index of the nearest theme per row."""
        return self.transform(X, languages).argmax(axis=1)

    def fit_predict(self, X, languages=None, y=None) -> np.ndarray:
        return self.fit(X, languages).predict(X, languages)

    def _check_fitted(self) -> None:
        if not hasattr(self, "centroids_"):
            raise ThemesError("the theme model is not fitted yet: call fit() first")

    # ------------------------------------------------------------ persistence
    def save(self, folder: str | Path) -> Path:
        self._check_fitted()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        langs = sorted(self.language_means_)
        np.save(folder / "centroids.npy", self.centroids_, allow_pickle=False)
        np.save(folder / "global_mean.npy", self.global_mean_.astype(np.float32), allow_pickle=False)
        means = np.stack([self.language_means_[lang] for lang in langs]) if langs else \
            np.zeros((0, self.centroids_.shape[1]), np.float32)
        np.save(folder / "language_means.npy", means.astype(np.float32), allow_pickle=False)
        (folder / "theme_model.json").write_text(json.dumps({
            "format": FORMAT, "params": self.get_params(), "theme_ids": self.theme_ids_,
            "languages": langs, "selection": {str(k): v for k, v in self.selection_.items()},
            "fit_floor": getattr(self, "fit_floor_", None),
        }, indent=1), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ThemeModel:
        folder = Path(folder)
        meta_path = folder / "theme_model.json"
        if not meta_path.exists():
            raise ThemesError(f"{folder}: not a saved theme model (no theme_model.json)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ThemesError(f"{folder}: unsupported theme model format {meta.get('format')!r}")
        model = cls(**meta["params"])
        model.centroids_ = np.load(folder / "centroids.npy", allow_pickle=False)
        model.global_mean_ = np.load(folder / "global_mean.npy", allow_pickle=False)
        means = np.load(folder / "language_means.npy", allow_pickle=False)
        model.language_means_ = dict(zip(meta["languages"], means))
        model.theme_ids_ = list(meta["theme_ids"])
        model.n_themes_ = len(model.theme_ids_)
        model.selection_ = {int(k): v for k, v in meta["selection"].items()}
        model.fit_floor_ = meta.get("fit_floor")
        return model
