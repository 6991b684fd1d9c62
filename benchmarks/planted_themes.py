"""Is every planted problem one top-level theme, and does the worst one rank first?

    python benchmarks/planted_themes.py [--seeds 10] [--n 2000] [--readme]

Exports of ``--n`` respondents from ``themes.testing.planted_export`` (eight themes with known
effects on a 0-10 score; delivery has the most negative one), each respondent's comment written
from the bundled sample's phrases for its themes (several phrasings per theme, in en, ru or lv:
examples/make_sample.py). For each seed and method ("themes": the default pipeline; "before":
discover without tone removal and aspects, max_themes 12):
- one_theme: planted themes whose single-theme comments sit >= 60% in one top-level theme;
- distinct: planted themes whose modal top-level theme is no other planted theme's;
- rank1_right: the top-ranked theme (key-driver impact) is delivery's modal theme.
The sample's phrases are what the project tunes on: these are not held-out figures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from make_sample import SHORT, THEMES

from common import markdown_table, publish

PHRASES = {"delivery": "delivery_delay", "support": "rude_support", "app": "app_crash", "price": "high_prices",
           "refund": "refund_problem", "staff": "friendly_staff", "quality": "product_quality",
           "checkout": "easy_checkout"}
METHODS = {"themes": {}, "before": {"tone": None, "aspects": None, "max_themes": 12}}


def text_export(n: int, seed: int):
    from themes.testing import planted_export

    planted = planted_export(n, seed=seed, population=20_000)
    rng = np.random.default_rng(seed)
    member = planted.member
    texts, single = [], []
    for i in range(n):
        lang = rng.choice(["en", "ru", "lv"])
        themes = [t for j, t in enumerate(planted.themes) if member[i, j]]
        phrases = [str(rng.choice(THEMES[PHRASES[t]][1][lang])) for t in themes]
        texts.append(". ".join(phrases) + "." if phrases else str(rng.choice(SHORT[lang])))
        single.append(themes[0] if len(themes) == 1 else "")
    frame = planted.frame[["id", "score", "date", "channel"]].assign(comment=texts)
    return frame, np.array(single), planted


def config(changes: dict):
    from themes.engine.config import load_config

    cfg = load_config("default")
    cfg.stages = [(name, dict(p, **changes) if name == "discover" else p) for name, p in cfg.stages]
    return cfg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--readme", action="store_true", help="write the table into benchmarks/README.md")
    args = parser.parse_args()
    import themes

    rows = []
    for seed in range(args.seeds):
        frame, single, planted = text_export(args.n, seed)
        worst = min(planted.driver_truth, key=planted.driver_truth.get)
        for method, changes in METHODS.items():
            result = themes.analyze(frame, text="comment", score="score", id="id", config=config(changes),
                                    progress=False)
            primary = result.comments.set_index("id")["primary_theme"].reindex(frame["id"]).to_numpy()
            modal, share = {}, {}
            for t in planted.themes:
                counts = pd.Series(primary[single == t]).value_counts(normalize=True)
                modal[t], share[t] = counts.index[0], counts.iloc[0]
            top = result.themes[(result.themes["parent_id"].fillna("") == "") & (result.themes["theme_id"] != "other")]
            first = top.sort_values("rank")["theme_id"].iloc[0]
            labels = dict(zip(top["theme_id"], top["label"]))
            taken = pd.Series(modal).value_counts()
            rows.append({"seed": seed, "method": method, "themes": len(top),
                         "one_theme": sum(share[t] >= 0.6 for t in planted.themes),
                         "distinct": sum(taken[modal[t]] == 1 for t in planted.themes),
                         "rank1_right": first == modal[worst], "rank1": labels.get(first, first),
                         "worst_planted_in": labels.get(modal[worst], modal[worst])})
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    print()
    means = table.groupby("method", sort=False)[["themes", "one_theme", "distinct", "rank1_right"]].mean().round(2)
    print(means.to_string())
    print(f"(of {len(planted.themes)} planted themes; rank1_right: share of seeds)")
    if args.readme:
        n = len(planted.themes)
        rows = [{"method": method, "seeds": args.seeds, "top-level themes": r.themes,
                 f"one_theme (of {n})": r.one_theme, f"distinct (of {n})": r.distinct,
                 "rank 1 right": f"{round(r.rank1_right * args.seeds)} of {args.seeds}"}
                for method, r in means.iterrows()]
        publish("planted_themes", markdown_table(rows))


if __name__ == "__main__":
    main()
