"""How far any clustering of the same embeddings gets into k groups: NMI against a theme set's
gold labels for k-means, Ward and spectral clustering at each k, beside `themes`' own model.

This is what bounds a method that keeps to ~12 top-level themes on a set whose gold labels reward
finer partitions (banking77, where BERTopic's ~90 topics score higher NMI):

    python benchmarks/cluster_ceiling.py [--set banking77] [--ks 12,20,89]

Vectors: multilingual e5 (from the embedding cache), centred per language and normalised as
`themes` centres them. k-means: 10 starts, seed 0; Ward: on all 384 dimensions; spectral: a
30-nearest-neighbour graph, seed 0.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.metrics import normalized_mutual_info_score

from common import need_shared


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="banking77")
    parser.add_argument("--ks", default="12,20,89")
    args = parser.parse_args()
    need_shared()
    import theme_sets

    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.text.clean import clean_text
    from themes.text.language import detect_languages
    from themes.theme_model import ThemeModel

    frame = theme_sets.SETS[args.set]()
    texts = [clean_text(t) for t in frame["text"]]
    X, _ = embed_texts(texts, resolve_model(None))
    languages = frame["language"].to_numpy(dtype=object) if "language" in frame else \
        np.asarray(detect_languages(texts), dtype=object)
    gold = frame["gold"].to_numpy()
    rows = []
    for k in (int(k) for k in args.ks.split(",")):
        model = ThemeModel(n_themes=k, max_themes=max(k, 12), seed=1).fit(X, languages)
        Z = model._center(X, languages)
        found = {
            "themes (Ward + refinement)": model.predict(X, languages),
            "k-means": KMeans(k, n_init=10, random_state=0).fit_predict(Z),
            "Ward": AgglomerativeClustering(k, linkage="ward").fit_predict(Z),
            "spectral (30-NN graph)": SpectralClustering(k, affinity="nearest_neighbors", n_neighbors=30,
                                                         random_state=0).fit_predict(Z),
        }
        rows.append({"k": k} | {name: round(normalized_mutual_info_score(gold, labels), 3)
                                for name, labels in found.items()})
    print(f"{args.set}: NMI against the gold labels ({len(set(gold))} groups), {len(gold)} texts")
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
