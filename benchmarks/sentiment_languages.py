"""How the sentiment head degrades outside the languages it trained on (en, lv; ru through
transfer): 24 sentences written by the project (8 positive, 8 negative, 8 neutral), each in
English, Russian, Latvian, German, Lithuanian and Ukrainian
(benchmarks/data/parallel_sentiment.csv). Same content in every language, so the differences
between columns are the language's cost. Prints macro-F1 and accuracy per language.

    python benchmarks/sentiment_languages.py [--head DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from common import add_readme_flag, show

DATA = Path(__file__).resolve().parent / "data" / "parallel_sentiment.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--head", default="sentiment-e5-small")
    add_readme_flag(parser)
    args = parser.parse_args()
    from themes.analysis.sentiment import load_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model

    wide = pd.read_csv(DATA)
    head, spec = load_head(args.head), resolve_model()
    rows = []
    for lang in wide.columns.drop("label"):
        X, _ = embed_texts(wide[lang].tolist(), spec)
        predicted = head.score(X, texts=wide[lang].tolist())[1]
        rows.append({"language": lang, "trained on": {"en": "yes", "lv": "yes", "ru": "project sentences"}.get(
            lang, "no"), "n": len(wide), "macro_F1": round(f1_score(wide["label"], predicted, average="macro"), 3),
            "accuracy": round(accuracy_score(wide["label"], predicted), 3)})
    print(f"{len(wide)} parallel sentences per language ({DATA.name})")
    show("sentiment_languages", rows, args)


if __name__ == "__main__":
    main()
