"""The theme model: discovers themes in comment embeddings and assigns texts (comments, clauses) to them.

It follows scikit-learn's contract (``fit`` / ``transform`` / ``predict``, ``get_params``)
and saves to a folder of plain files (JSON + .npy, never pickle).

How it works, and why:
1. Centre per language. Multilingual embeddings of different languages sit in different
   regions, and e5's cosines are compressed (unrelated texts ~0.8). Subtracting each
   language's mean removes both offsets, so a complaint clusters with its translations.
2. Ward clustering of a seeded sample (at most ``sample_size`` rows; below that, all rows, so
   no seed enters at all), on the sample's top ``reduce_dims`` principal components (Ward's
   cost is the pairwise distances: fewer dimensions run faster, at the same NMI on the
   benchmark sets), cut at every k in
   [min_themes, max_themes]. Unless ``n_themes`` is set, k is the largest cut whose smallest
   theme still holds ``min_theme_share`` of the rows and at least ``min_theme_size`` rows: as
   fine as the data allows without slivers (a handful of comments is not a top-level theme).
   Silhouette cannot choose here: on real feedback it is flat for every k (the airline tweets,
   benchmarks/airline_themes.py). Ward needs no seed and leaves no outliers.
3. Spherical k-means refinement of the Ward centroids on the sample, then every row is
   assigned to its nearest centroid (so millions of rows cost one matrix product).
4. Sub-themes: Ward once more inside each theme (on the theme's sample rows), k in
   [2, max_subthemes] with every sub-theme >= min_subtheme_share of the theme and
   >= min_theme_size rows, choosing the cut with the largest jump in merge height; a theme
   too small to split so has none.
5. "Other": a row whose best similarity is an outlier among the fitted rows' (below Tukey's
   lower fence, Q1 - other_fence x IQR) fits no theme and is reported as ``other`` instead of
   being forced into the nearest theme; ``cap_other`` lowers that floor so that at most a
   given share of other rows (the clauses) land there. On real feedback this is a sliver of the
   comments. (A fixed share, e.g. the worst-fitting 5%, would empty that much of every data set
   into "other", clean or not: on the parallel en/ru/lv test sentences it split translation
   triples, benchmarks/themes_vs_bertopic.py.) ``fit_floor_`` (what the worst
   5% of the fitted rows reach) is looser: in a new export, comments below it are the
   material for candidate new themes.
6. Topics, not tone (``tone``: each row's sentiment score, given to ``fit``). Sentence embeddings
   carry the writer's mood as strongly as the topic, so clusters of raw embeddings are "food,
   angry" and "food, delighted". The direction of the centred embeddings that follows the
   sentiment score (least squares) is projected out before clustering and assigning, and saved
   with the model, so new rows are assigned in the same space.
7. One problem, one theme (``anchors``: the base codeframe's aspects embedded, ``themes.analysis.aspects``).
   The Ward cut above gives fine clusters; each cluster whose centre (in the embedding space as
   it is) is nearest to an aspect's anchor, clearly more than to the other aspects, joins that
   aspect's theme: clusters of one aspect are merged into one top-level theme named after it,
   and become its sub-themes. A cluster no aspect stands out for stays a theme of its own.
Themes are numbered by size: t01 is the largest; its sub-themes t01.1, t01.2, ... likewise.
Several centroid rows may share one theme id (a theme merged from clusters, or by themes.yaml).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from ..embedding.rows import SharedRows
from ..engine.blocks import row_blocks
from ..engine.resources import read_saved_meta
from ..errors import ThemesError

FORMAT = "themes.theme_model/1"
OTHER = "other"


def _normalise(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.maximum(norms, 1e-12)


def _refine(Z: np.ndarray, centroids: np.ndarray, n_iter: int) -> np.ndarray:
    """Spherical k-means from the given centroids (deterministic: no random restarts)."""
    for _ in range(n_iter):
        assign = (Z @ centroids.T).argmax(axis=1)
        updated = _normalise(np.stack([Z[assign == c].mean(axis=0) if (assign == c).any() else centroids[c]
                                       for c in range(len(centroids))]))
        if np.allclose(updated, centroids, atol=1e-6):
            break
        centroids = updated
    return centroids


def _means(X: np.ndarray | SharedRows, masks: dict) -> dict:
    """Mean of the rows each mask picks, all in one pass of row blocks (float16 rows read as
    float32, no copy of the picked rows, and vectors on disk read once, not once per mask)."""
    totals = {key: np.zeros(X.shape[1], np.float64) for key in masks}
    for b in row_blocks(len(X)):
        block = np.asarray(X[b], np.float32)
        for key, mask in masks.items():
            totals[key] += block[mask[b]].sum(axis=0, dtype=np.float64)
    return {key: (totals[key] / max(int(masks[key].sum()), 1)).astype(np.float32) for key in masks}


def language_means(X: np.ndarray | SharedRows, languages: np.ndarray | None,
                   min_count: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The mean of all rows, and the mean of each language with at least ``min_count`` rows
    ("unknown" never has one): where each language sits in the embedding space."""
    masks: dict = {None: np.ones(len(X), bool)}  # None: all rows, the global mean (never a language)
    if languages is not None:
        languages = np.asarray(languages, dtype=object)
        for lang in sorted(set(languages.tolist())):
            mask = languages == lang
            if mask.sum() >= min_count and lang != "unknown":
                masks[str(lang)] = mask
    means = _means(X, masks)
    return means.pop(None), means


def ward_cuts(Zs: np.ndarray, k_range: list[int]) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Labels of the Ward tree cut at each k, and the tree's merge heights (ascending).
    fastcluster's vector Ward needs O(n x d) memory where scipy's needs the n^2/2 distance
    matrix, quadratic in the rows (the same tree, in about twice the time)."""
    import fastcluster
    from scipy.cluster.hierarchy import fcluster

    if len(Zs) < 3:
        return {k: np.zeros(len(Zs), int) for k in k_range}, np.zeros(max(len(Zs) - 1, 0))
    tree = fastcluster.linkage_vector(np.ascontiguousarray(Zs, dtype=np.float64), method="ward")
    return {k: fcluster(tree, t=k, criterion="maxclust") - 1 for k in k_range}, tree[:, 2]


@dataclass
class Assignment:
    """Where each row goes: the centroid row, the reported theme id (``other`` when it fits no
    theme), the sub-theme id ("" when the theme has none) and the similarity to the theme."""
    row: np.ndarray
    theme_id: np.ndarray
    subtheme_id: np.ndarray
    similarity: np.ndarray


def _validate(X, languages, name: str) -> tuple[np.ndarray | SharedRows, np.ndarray]:
    if not isinstance(X, SharedRows):  # those stay as they are: every use below reads row blocks
        X = np.asarray(X)
    if X.dtype not in (np.float32, np.float16):  # float16 vectors (the scale tier) stay as they are:
        X = X.astype(np.float32)  # every use below reads them in row blocks, as float32
    if X.ndim != 2 or X.shape[0] == 0:
        raise ThemesError(f"{name}: expected a non-empty 2-d array of embeddings, got shape {X.shape}")
    if not all(np.isfinite(X[b]).all() for b in row_blocks(len(X))):
        raise ThemesError(f"{name}: embeddings contain NaN or infinite values")
    if languages is None:
        languages = np.full(X.shape[0], "unknown", dtype=object)
    languages = np.asarray(languages, dtype=object)
    if languages.shape[0] != X.shape[0]:
        raise ThemesError(f"{name}: {X.shape[0]} embeddings but {languages.shape[0]} languages")
    return X, languages


class ThemeModel(BaseEstimator):
    # the embedding model and space the centroids were fitted in ({"model", "space"}), or None:
    # set by themes.io.model_folder from the folder's embedding.json (the model itself never sees it)
    embedding_: dict | None = None

    def __init__(self, n_themes: int | None = None, min_themes: int = 5, max_themes: int = 12,
                 min_theme_share: float = 0.02, min_theme_size: int = 10, center: str = "language",
                 min_language_count: int = 20, sample_size: int = 20000, reduce_dims: int | None = 128,
                 refine_iter: int = 10,
                 max_subthemes: int = 6, min_subtheme_share: float = 0.1, other_fence: float = 1.5,
                 anchor_z: float = 2.5, seed: int = 42):
        self.n_themes = n_themes
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.min_theme_share = min_theme_share
        self.min_theme_size = min_theme_size
        self.center = center
        self.min_language_count = min_language_count
        self.sample_size = sample_size
        self.reduce_dims = reduce_dims
        self.refine_iter = refine_iter
        self.max_subthemes = max_subthemes
        self.min_subtheme_share = min_subtheme_share
        self.other_fence = other_fence
        self.anchor_z = anchor_z
        self.seed = seed

    # ------------------------------------------------------------ centring
    def space(self, X: np.ndarray, languages: np.ndarray) -> np.ndarray:
        """Rows as the model compares them with themes: centred by their language, the tone direction
        removed, normalised (steps 1 and 6 above)."""
        out = X - self.global_mean_
        if self.center == "language":
            for lang, mean in self.language_means_.items():
                mask = languages == lang
                if mask.any():
                    out[mask] = X[mask] - mean
        elif self.center != "global":
            raise ThemesError(f"center must be 'language' or 'global', got '{self.center}'")
        axis = getattr(self, "tone_axis_", None)
        if axis is not None:
            out -= np.outer(out @ axis, axis)
        return _normalise(out)

    def _fit_centering(self, X: np.ndarray | SharedRows, languages: np.ndarray) -> None:
        self.global_mean_, self.language_means_ = language_means(
            X, languages if self.center == "language" else None, self.min_language_count)

    def _fit_tone(self, Zs: np.ndarray, tone: np.ndarray | None) -> None:
        """``tone_axis_``: the unit direction of the centred rows ``Zs`` that follows ``tone``
        (least squares); left None (as ``fit`` set it) without a tone that varies."""
        if tone is None:
            return
        t = np.asarray(tone, np.float64)
        known = np.isfinite(t)
        if known.sum() < 3:
            return
        t = np.where(known, t - t[known].mean(), 0.0)  # a row without a tone adds nothing
        axis = (Zs - Zs.mean(axis=0)).T.astype(np.float64) @ t
        norm = np.linalg.norm(axis)
        if norm > 1e-9:
            self.tone_axis_ = (axis / norm).astype(np.float32)

    # ------------------------------------------------------------ fit
    def fit(self, X, languages=None, y=None, *, tone=None, anchors=None) -> ThemeModel:
        """Fit on embeddings ``X`` (n, dim) with each row's language; ``tone``: each row's
        sentiment score, whose direction is removed; ``anchors``: ``themes.analysis.aspects.Anchors`` in
        the space of ``X``, the aspects fine clusters merge into (None: every cluster a theme)."""
        X, languages = _validate(X, languages, "ThemeModel.fit")
        if self.min_themes < 1 or self.max_themes < self.min_themes:
            raise ThemesError(f"need 1 <= min_themes <= max_themes, got {self.min_themes}..{self.max_themes}")
        if tone is not None and len(tone) != X.shape[0]:
            raise ThemesError(f"ThemeModel.fit: {X.shape[0]} embeddings but {len(tone)} tone values")
        self._fit_centering(X, languages)
        rng = np.random.default_rng(self.seed)
        n = X.shape[0]
        sample = np.sort(rng.choice(n, self.sample_size, replace=False)) if n > self.sample_size else np.arange(n)
        Xs = np.asarray(X[sample], np.float32)  # the sample's rows, read once (vectors may be on disk)
        self.tone_axis_ = None
        self._fit_tone(self.space(Xs, languages[sample]), None if tone is None else np.asarray(tone)[sample])
        Zs = self.space(Xs, languages[sample])  # centring is per row: the sample's rows of the whole
        Ps = self.reduce(Zs)
        k_range = [self.n_themes] if self.n_themes else list(range(self.min_themes, self.max_themes + 1))
        k_range = sorted({max(1, min(k, len(Zs))) for k in k_range})
        labels_by_k, _ = ward_cuts(Ps, k_range)
        # smallest theme's share of the sample at each cut
        self.selection_ = {k: float(np.bincount(lab).min() / len(lab)) for k, lab in labels_by_k.items()}
        floor = max(self.min_theme_share, self.min_theme_size / len(Zs))
        fine_enough = [k for k, share in self.selection_.items() if share >= floor]
        k = self.n_themes or max(fine_enough, default=min(k_range))
        k = max(1, min(k, len(Zs)))
        labels = labels_by_k[k]
        centroids = _normalise(np.stack([Zs[labels == c].mean(axis=0) for c in np.unique(labels)]))
        centroids = _refine(Zs, centroids, self.refine_iter)
        if self.n_themes:  # a number of themes asked for is the number of themes: nothing merges
            anchors = None
        aspect_of = self._match_anchors(Xs, (Zs @ centroids.T).argmax(axis=1), len(centroids), anchors)
        # a theme per aspect matched and per cluster matched to none; numbered by size on all
        # data, largest first (ids are stable once saved), a theme's clusters likewise
        sizes = np.bincount(self._nearest(X, languages, centroids)[0], minlength=len(centroids))
        clusters_of: dict[str | int, list[int]] = {}  # aspect id, or the cluster's own number
        for c, aspect in enumerate(aspect_of):
            clusters_of.setdefault(c if aspect is None else aspect, []).append(c)
        ranked = sorted(clusters_of, key=lambda g: (-sizes[clusters_of[g]].sum(), clusters_of[g][0]))
        theme_of = {g: f"t{i + 1:02d}" for i, g in enumerate(ranked)}
        order = [c for g in ranked for c in sorted(clusters_of[g], key=lambda c: (-sizes[c], c))]
        self.centroids_ = centroids[order].astype(np.float32)
        self.theme_ids_ = [theme_of[c if aspect_of[c] is None else aspect_of[c]] for c in order]
        self.n_themes_ = len(ranked)
        self.aspects_ = {theme_of[g]: g for g in ranked if isinstance(g, str)}
        self.aspect_names_ = {a.id: dict(a.names) for a in anchors.aspects if a.id in self.aspects_.values()} \
            if anchors is not None else {}
        self._fit_subthemes(Zs, Ps, (Zs @ self.centroids_.T).argmax(axis=1))
        best = self._nearest(X, languages, self.centroids_)[1]
        q1, q3 = np.quantile(best, [0.25, 0.75])
        self.other_floor_ = float(q1 - self.other_fence * (q3 - q1))
        self.fit_floor_ = float(np.quantile(best, 0.05))
        return self

    def _nearest(self, X: np.ndarray, languages: np.ndarray, centroids: np.ndarray,
                 subthemes: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: index of and similarity to the nearest of ``centroids`` and (``subthemes``)
        the nearest sub-theme of that theme, in row blocks so that memory is bounded by the
        block, not the export (a centred copy of every row would be as large as the vectors)."""
        row, best = np.empty(len(X), np.int64), np.empty(len(X), np.float32)
        pick = np.zeros(len(X), np.int64)
        for block in row_blocks(len(X)):
            Z = self.space(X[block], languages[block])
            sims = Z @ centroids.T
            row[block] = sims.argmax(axis=1)
            best[block] = sims[np.arange(len(sims)), row[block]]
            if subthemes and len(self.sub_ids_):
                sub_sims = Z @ self.sub_centroids_.T
                sub_sims[self.sub_parent_[None, :] != row[block][:, None]] = -np.inf
                pick[block] = sub_sims.argmax(axis=1)
        return row, best, pick

    def reduce(self, Zs: np.ndarray) -> np.ndarray:
        """The rows on their top ``reduce_dims`` principal components (eigh of the covariance:
        deterministic, and cheap for many rows of few dimensions)."""
        if not self.reduce_dims or self.reduce_dims >= min(Zs.shape):
            return Zs.astype(np.float64)
        centred = (Zs - Zs.mean(axis=0)).astype(np.float64)
        _, vectors = np.linalg.eigh(centred.T @ centred)
        return centred @ vectors[:, ::-1][:, : self.reduce_dims]

    def _match_anchors(self, Xs: np.ndarray, cluster: np.ndarray, n_clusters: int, anchors) -> list[str | None]:
        """Per cluster, the aspect its centre is about, or None. Similarities of the mean of the
        cluster's rows as embedded (anchors and comments share that space, not the centred one)
        to each anchor, less each anchor's mean over the clusters, as z-scores across the anchors
        (e5's cosines are compressed: a fixed cosine would mean something else for every model and
        language). A cluster is clearly about its best aspect at z >= ``anchor_z``."""
        if anchors is None or not len(anchors.vectors):
            return [None] * n_clusters
        if anchors.vectors.shape[1] != Xs.shape[1]:
            raise ThemesError(f"aspect anchors are {anchors.vectors.shape[1]}-d but the embeddings "
                              f"{Xs.shape[1]}-d (embedded with another model?)")
        totals = np.zeros((n_clusters, Xs.shape[1]), np.float64)
        np.add.at(totals, cluster, Xs)
        sims = _normalise(totals) @ anchors.vectors.T.astype(np.float64)
        # what sets a cluster apart from this export's other clusters: in airline tweets every
        # cluster is near "flights", in a restaurant's reviews near "food"; without this the
        # export's own domain swallows every cluster
        sims -= sims.mean(axis=0, keepdims=True)
        z = (sims - sims.mean(axis=1, keepdims=True)) / np.maximum(sims.std(axis=1, keepdims=True), 1e-12)
        best = z.argmax(axis=1)
        present = np.zeros(z.shape[1], bool)
        present[best[z.max(axis=1) >= self.anchor_z]] = True
        # a cluster that is not clearly about one aspect joins the nearest aspect that some
        # cluster is clearly about, when that one still stands out (half the bar): in a
        # restaurant's export a mixed "waited for the food" cluster goes to service, not to a
        # delivery aspect no comment is about
        z_present = np.where(present[None, :], z, -np.inf)
        near = z_present.argmax(axis=1)
        return [anchors.ids[near[c]] if z_present[c, near[c]] >= self.anchor_z / 2 else None
                for c in range(n_clusters)]

    def _fit_subthemes(self, Zs: np.ndarray, Ps: np.ndarray, rows: np.ndarray) -> None:
        """A theme merged from clusters has them as its sub-themes; a theme of one cluster is
        split by Ward (below)."""
        subs, ids, parents = [], [], []
        members_of: dict[str, list[int]] = {}
        for r, theme_id in enumerate(self.theme_ids_):
            members_of.setdefault(theme_id, []).append(r)
        for r, theme_id in enumerate(self.theme_ids_):
            if len(members_of[theme_id]) > 1:
                # numbered by size in the theme: the rows of a theme are ordered by size already
                subs.append(self.centroids_[r])
                ids.append(f"{theme_id}.{members_of[theme_id].index(r) + 1}")
                parents.append(r)
                continue
            members = Zs[rows == r]
            if self.max_subthemes < 2 or len(members) < 2 * self.min_theme_size:
                continue
            cuts, heights = ward_cuts(Ps[rows == r], list(range(2, self.max_subthemes + 1)))
            floor = max(self.min_subtheme_share, self.min_theme_size / len(members))
            fine_enough = [k for k, lab in cuts.items() if np.bincount(lab).min() / len(lab) >= floor]
            if not fine_enough:
                continue
            # inside a theme, the cut with the largest relative jump in Ward merge height: the
            # k groups that are furthest from merging further (the finest-cut rule of the top
            # level would split every theme into max_subthemes)
            gap = {k: heights[-(k - 1)] / max(heights[-k], 1e-12) for k in fine_enough}
            labels = cuts[max(fine_enough, key=lambda k: (gap[k], -k))]
            cents = _refine(members, _normalise(np.stack([members[labels == c].mean(axis=0)
                                                          for c in np.unique(labels)])), self.refine_iter)
            sizes = np.bincount((members @ cents.T).argmax(axis=1), minlength=len(cents))
            for j, c in enumerate(np.argsort(-sizes, kind="stable")):
                subs.append(cents[c])
                ids.append(f"{theme_id}.{j + 1}")
                parents.append(r)
        dim = self.centroids_.shape[1]
        self.sub_centroids_ = np.stack(subs).astype(np.float32) if subs else np.zeros((0, dim), np.float32)
        self.sub_ids_ = ids
        self.sub_parent_ = np.asarray(parents, dtype=np.int64)

    def theme_name(self, theme_id: str, language: str) -> str | None:
        """The name of the aspect a theme is about, in ``language`` (English, else any, where the
        aspect has no name in it); None for a theme discovered in the data."""
        names = getattr(self, "aspect_names_", {}).get(getattr(self, "aspects_", {}).get(theme_id), {})
        return names.get(language) or names.get("en") or next(iter(names.values()), None)

    def cap_other(self, best_similarity: np.ndarray, max_share: float) -> float:
        """Lower ``other_floor_`` so that at most ``max_share`` of these rows fall below it."""
        if len(best_similarity) and max_share < 1:
            self.other_floor_ = float(min(self.other_floor_, np.quantile(best_similarity, max_share, method="lower")))
        return self.other_floor_

    # ------------------------------------------------------------ use
    def transform(self, X, languages=None) -> np.ndarray:
        """Cosine similarity of each (centred) embedding to each theme centroid, (N, n_themes)."""
        self._check_fitted()
        X, languages = _validate(X, languages, "ThemeModel.transform")
        if X.shape[1] != self.centroids_.shape[1]:
            raise ThemesError(f"embeddings are {X.shape[1]}-d but the theme model was fitted on "
                              f"{self.centroids_.shape[1]}-d ones (a different embedding model?)")
        return np.vstack([self.space(X[b], languages[b]) @ self.centroids_.T for b in row_blocks(len(X))])

    def predict(self, X, languages=None) -> np.ndarray:
        """Index of the nearest theme per row."""
        return self.transform(X, languages).argmax(axis=1)

    def assign(self, X, languages=None) -> Assignment:
        """Theme, sub-theme and similarity per row, with ``other`` for rows that fit no theme."""
        X, languages = _validate(X, languages, "ThemeModel.assign")
        if X.shape[1] != self.centroids_.shape[1]:
            raise ThemesError(f"embeddings are {X.shape[1]}-d but the theme model was fitted on "
                              f"{self.centroids_.shape[1]}-d ones (a different embedding model?)")
        row, best, pick = self._nearest(X, languages, self.centroids_, subthemes=True)
        other = best < self.other_floor_ if self.other_floor_ is not None else np.zeros(len(row), bool)
        theme_id = np.where(other, OTHER, np.asarray(self.theme_ids_, dtype=object)[row])
        subtheme_id = np.full(len(row), "", dtype=object)
        if len(self.sub_ids_):
            has_subs = np.isin(row, self.sub_parent_) & ~other
            subtheme_id[has_subs] = np.asarray(self.sub_ids_, dtype=object)[pick[has_subs]]
        return Assignment(row=row, theme_id=theme_id, subtheme_id=subtheme_id, similarity=best)

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
        np.save(folder / "sub_centroids.npy", self.sub_centroids_, allow_pickle=False)
        if getattr(self, "tone_axis_", None) is not None:
            np.save(folder / "tone_axis.npy", self.tone_axis_, allow_pickle=False)
        (folder / "theme_model.json").write_text(json.dumps({
            "format": FORMAT, "params": self.get_params(), "theme_ids": self.theme_ids_,
            "languages": langs, "selection": {str(k): v for k, v in self.selection_.items()},
            "fit_floor": self.fit_floor_, "other_floor": self.other_floor_,
            "subthemes": [{"id": i, "parent": int(p)} for i, p in zip(self.sub_ids_, self.sub_parent_)],
            "aspects": getattr(self, "aspects_", {}), "aspect_names": getattr(self, "aspect_names_", {}),
        }, indent=1, ensure_ascii=False), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ThemeModel:
        folder = Path(folder)
        meta = read_saved_meta(folder, "theme_model.json", FORMAT, "theme model")
        model = cls(**meta["params"])
        model.centroids_ = np.load(folder / "centroids.npy", allow_pickle=False)
        model.global_mean_ = np.load(folder / "global_mean.npy", allow_pickle=False)
        means = np.load(folder / "language_means.npy", allow_pickle=False)
        model.language_means_ = dict(zip(meta["languages"], means))
        model.theme_ids_ = list(meta["theme_ids"])
        model.n_themes_ = len(model.theme_ids_)
        model.selection_ = {int(k): v for k, v in meta["selection"].items()}
        model.fit_floor_ = meta.get("fit_floor")
        model.other_floor_ = meta.get("other_floor", model.fit_floor_)
        subs = meta.get("subthemes", [])
        sub_path = folder / "sub_centroids.npy"
        model.sub_centroids_ = np.load(sub_path, allow_pickle=False) if sub_path.exists() else \
            np.zeros((0, model.centroids_.shape[1]), np.float32)
        tone_path = folder / "tone_axis.npy"
        model.tone_axis_ = np.load(tone_path, allow_pickle=False) if tone_path.exists() else None
        model.aspects_ = dict(meta.get("aspects", {}))
        model.aspect_names_ = dict(meta.get("aspect_names", {}))
        model.sub_ids_ = [str(sub["id"]) for sub in subs]
        model.sub_parent_ = np.asarray([int(sub["parent"]) for sub in subs], dtype=np.int64)
        if len(model.sub_ids_) != len(model.sub_centroids_):
            raise ThemesError(f"{folder}: theme_model.json lists {len(model.sub_ids_)} sub-themes but "
                              f"sub_centroids.npy holds {len(model.sub_centroids_)}")
        return model
