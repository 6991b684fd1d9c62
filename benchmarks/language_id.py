"""Language identification on short comments: py3langid vs langdetect, both restricted to the
pipeline's language set. Decides the default backend in pipelines/default.yaml.

Data (../shared/data, read only): English airline tweets, Russian bank/telecom tweets,
Latvian tweets (two sets), and the Latvian ones again with diacritics stripped (the hard
case: people type without them). Prints accuracy per language and texts/s.

    python benchmarks/language_id.py [--n 1000]
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from pathlib import Path

import pandas as pd

from common import add_readme_flag, show
from themes.text.clean import clean_text
from themes.text.language import DEFAULT_LANGUAGES, detect_languages

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def strip_diacritics(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def load(n: int) -> pd.DataFrame:
    en = pd.read_csv(SHARED / "en_twitter_us_airline_sentiment" / "Tweets.csv")["text"]
    ru = pd.concat([pd.read_csv(SHARED / "ru_sentirueval2016_bank_telecom_tweets" / f)["text"]
                    for f in ("banks_test_etalon_long.csv", "telecom_test_etalon_long.csv")])
    lv = pd.concat([pd.read_csv(SHARED / "lv_tweets_gov_sentiment" / "labelled_not_lemmatized.csv")["text"],
                    pd.read_csv(SHARED / "lv_peisenieks_tweets_sentiment" / "tweet_corpus_repaired.csv")["text"]])
    parts = []
    for lang, texts in (("en", en), ("ru", ru), ("lv", lv)):
        texts = texts.astype(str).map(clean_text)
        texts = texts[texts.str.len() >= 20].drop_duplicates().sample(n, random_state=0)
        parts.append(pd.DataFrame({"text": texts, "lang": lang, "set": lang}))
    plain = parts[2].copy()
    plain["text"] = plain["text"].map(strip_diacritics)
    plain["set"] = "lv (no diacritics)"
    parts.append(plain)
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000, help="texts per language")
    add_readme_flag(parser)
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED}: shared data not found")
    data = load(args.n)
    rows = []
    for backend in ("py3langid", "langdetect"):
        detect_languages(["warm up the model"], backend=backend)
        started = time.perf_counter()
        predicted = detect_languages(data["text"], backend=backend, languages=DEFAULT_LANGUAGES)
        elapsed = time.perf_counter() - started
        data[backend] = predicted
        row = {"backend": backend, "texts/s": round(len(data) / elapsed)}
        for name, group in data.groupby("set", sort=False):
            row[name] = round((group[backend] == group["lang"]).mean(), 3)
        row["all"] = round((data[backend] == data["lang"]).mean(), 3)
        rows.append(row)
    print(f"{len(data)} texts, languages allowed: {', '.join(DEFAULT_LANGUAGES)}")
    show("language_id", rows, args)


if __name__ == "__main__":
    main()
