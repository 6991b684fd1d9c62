"""What feedback really contains: negation ("not bad", "не плохо", "nav slikti"), sarcasm markers
("/s", 🙃, "oh wonderful, late again"), emoji and ALL CAPS, in en/ru/lv. 45 comments written by
the project (benchmarks/data/sentiment_phenomena.csv), none of them in the head's training data.
Prints accuracy per phenomenon and language for the shipped head (or --head DIR).

    python benchmarks/sentiment_phenomena.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from common import add_readme_flag, show

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "sentiment_phenomena.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--head", default="sentiment-e5-small")
    add_readme_flag(parser)
    args = parser.parse_args()
    from themes.analysis.sentiment import load_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.text.clean import clean_text

    data = pd.read_csv(DATA)
    texts = [clean_text(t) for t in data["text"]]
    X, _ = embed_texts(texts, resolve_model())
    data["predicted"] = load_head(args.head).score(X, texts=texts)[1]
    data["right"] = data["predicted"] == data["label"]
    table = data.pivot_table(index="phenomenon", columns="language", values="right", aggfunc="mean").round(2)
    table["all"] = data.groupby("phenomenon")["right"].mean().round(2)
    table.loc["all"] = [*data.groupby("language")["right"].mean().round(2), round(data["right"].mean(), 2)]
    print(f"{len(data)} comments; accuracy of the 3-class label")
    show("sentiment_phenomena", table.reset_index(), args)
    print("\nmissed:")
    print(data[~data["right"]][["language", "phenomenon", "label", "predicted", "text"]].to_string(index=False))


if __name__ == "__main__":
    main()
