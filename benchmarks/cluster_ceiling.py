"""How far any clustering of the same embeddings gets into k groups: NMI against a theme set's
gold labels for k-means, Ward and spectral clustering at each k, beside `themes`' own model; and
what else the themes need: stability (ARI between two seeds) and, on the parallel set, cross-lingual
purity (the share of translation triples in one group).

This is what bounds a method that keeps to ~12 top-level themes on a set whose gold labels reward
finer partitions (banking77, where BERTopic's ~90 topics score higher NMI):

    python benchmarks/cluster_ceiling.py [--set banking77] [--ks 12,20,89] [--model PATH]

Vectors: multilingual e5 (from the embedding cache; --model: another sentence-transformers folder,
e.g. the English all-MiniLM-L6-v2), centred per language and normalised as
`themes` centres them. k-means: 10 starts, seeds 0 and 1; Ward: on all 384 dimensions
(deterministic); spectral: a 30-nearest-neighbour graph, seeds 0 and 1; themes: seeds 1 and 2.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from common import add_readme_flag, need_shared, show


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="banking77")
    parser.add_argument("--ks", default="12,20,89")
    parser.add_argument("--model", help="a sentence-transformers folder in place of e5")
    add_readme_flag(parser)
    args = parser.parse_args()
    need_shared()
    import theme_sets

    from themes.analysis.theme_model import ThemeModel
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.text.clean import clean_text
    from themes.text.language import detect_languages

    frame = theme_sets.SETS[args.set]()
    texts = [clean_text(t) for t in frame["text"]]
    X, _ = embed_texts(texts, resolve_model(args.model))
    languages = frame["language"].to_numpy(dtype=object) if "language" in frame else \
        np.asarray(detect_languages(texts), dtype=object)
    gold = frame["gold"].to_numpy()
    rows = []
    for k in (int(k) for k in args.ks.split(",")):
        Z = ThemeModel(n_themes=k, max_themes=max(k, 12), seed=1).fit(X, languages).space(X, languages)

        def by_seed(seed: int, k: int = k, Z: np.ndarray = Z) -> dict[str, np.ndarray]:
            model = ThemeModel(n_themes=k, max_themes=max(k, 12), seed=seed + 1).fit(X, languages)
            return {
                "themes (Ward + refinement)": model.predict(X, languages),
                "k-means": KMeans(k, n_init=10, random_state=seed).fit_predict(Z),
                "Ward": AgglomerativeClustering(k, linkage="ward").fit_predict(Z),
                "spectral (30-NN graph)": SpectralClustering(k, affinity="nearest_neighbors", n_neighbors=30,
                                                             random_state=seed).fit_predict(Z),
            }

        first, second = by_seed(0), by_seed(1)
        for name, labels in first.items():
            row = {"k": k, "method": name, "NMI": normalized_mutual_info_score(gold, labels),
                   "stability": adjusted_rand_score(labels, second[name])}
            if "group" in frame:  # translations of one sentence in one group
                row["xling_purity"] = pd.DataFrame({"g": frame["group"].to_numpy(), "p": labels}) \
                    .groupby("g")["p"].nunique().eq(1).mean()
            rows.append(row)
    print(f"{args.set}: NMI against the gold labels ({len(set(gold))} groups), {len(gold)} texts; "
          "stability: ARI between two seeds")
    show(f"cluster_ceiling {args.set}", pd.DataFrame(rows).round(3), args)

if __name__ == "__main__":
    main()
