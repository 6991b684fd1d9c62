"""Themes on negative airline tweets against the human complaint reason (`negativereason`).

Runs the default pipeline on ../shared/data/en_twitter_us_airline_sentiment (negative tweets
only; the data set is CC BY-NC-SA, used for evaluation only) and prints throughput, peak
RSS and agreement with the gold reason (NMI, ARI), once with the number of themes chosen
from the data and once with it set to the gold count (10).

    python benchmarks/airline_themes.py [--limit N] [--cold]

--cold uses an empty embedding cache so the figure includes embedding time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from common import add_readme_flag, need_shared, peak_rss_mb, show


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="use only the first N negative tweets")
    parser.add_argument("--cold", action="store_true", help="start from an empty embedding cache")
    add_readme_flag(parser)
    args = parser.parse_args()
    if args.cold:
        cold = tempfile.TemporaryDirectory(prefix="themes-bench-")  # removed when the benchmark exits
        os.environ["THEMES_CACHE_DIR"] = cold.name
    import themes

    shared = need_shared()
    tweets = pd.read_csv(shared / "en_twitter_us_airline_sentiment" / "Tweets.csv")
    negative = tweets[tweets["airline_sentiment"] == "negative"].reset_index(drop=True)
    if args.limit:
        negative = negative.head(args.limit)
    # tweet ids repeat in this data set, so rows are matched by position, not by id
    frame = negative[["text", "airline", "negativereason"]]
    rows = []
    for n_themes in (None, 10):
        started = time.perf_counter()
        result = themes.analyze(frame, text="text", segments=["airline"], n_themes=n_themes, progress=False)
        elapsed = time.perf_counter() - started
        got = result.comments.set_index("row")["primary_theme"]
        gold = frame["negativereason"].set_axis(range(1, len(frame) + 1))
        known = gold[gold != "Can't Tell"].index.intersection(got.index)
        rows.append({
            "themes": f"{result.summary['counts']['themes']} ({'auto' if n_themes is None else 'fixed'})",
            "comments": len(result.comments),
            "wall_s": round(elapsed, 1),
            "comments/s": round(len(result.comments) / elapsed, 1),
            "embedded": result.summary["embedding"]["computed"],
            "peak_rss_mb": round(peak_rss_mb()),
            "NMI": round(normalized_mutual_info_score(gold[got.index], got), 3),
            "NMI_excl_cant_tell": round(normalized_mutual_info_score(gold[known], got[known]), 3),
            "ARI": round(adjusted_rand_score(gold[got.index], got), 3),
        })
        print(result.themes[["theme_id", "label", "share", "sentiment", "impact"]].head(12).to_string(index=False))
    print()
    show("airline_themes", rows, args)


if __name__ == "__main__":
    main()
