"""Do top-level themes follow topics or tone? The default pipeline against itself without the
two things that make themes topics (discover's ``tone: null, aspects: null``, with the former
``max_themes: 12``), on labelled sets none of its settings were tuned on but the bundled sample.

    python benchmarks/topic_themes.py [--sets semeval,ru-restaurants,...] [--limit N] [--discover anchor_z=2.5]
                                      [--config fast] [--methods themes]

Printed per set and method:
- NMI(cat): comments' top-level theme against the gold topic (aspect category, complaint reason);
  NMI(pol): against the gold polarity where the set has one (SemEval-14: the categories
  themselves carry 0.037 with it);
- themes, max_share: the number of top-level themes and the largest one's share of comments;
- named: top-level themes named after an aspect of the base codeframe (models/aspects);
- MAMS (every sentence two or more aspects): the share of annotated (sentence, aspect) pairs,
  miscellaneous left out, found as a mention of the sentence in a theme of that aspect; a theme
  counts as the aspect that most of its mentions' sentences name (each sentence's aspects
  shared equally);
- xling: the parallel set's translation triples whose three sentences land in one theme;
- named_right: of the top-level themes that are >= 60% one gold category, the share whose name
  holds a word of that category (SYNONYMS: a table per set; written by the project after it had
  seen the pipeline's names, so a generous reading, not a blind one).
The top-level themes' names follow each table.
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np
import pandas as pd
import theme_sets
from sklearn.metrics import normalized_mutual_info_score

from common import need_shared

URL_OR_HANDLE = re.compile(r"@\w+|https?://\S+")


def sample() -> pd.DataFrame:
    """The bundled sample's comments with one planted theme (the project tunes on this one)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    from make_sample import make_rows

    rows = pd.DataFrame(make_rows())
    one = rows["themes"].fillna("").ne("") & ~rows["themes"].fillna("").str.contains(";")
    return pd.DataFrame({"text": rows.loc[one, "comment"], "gold": rows.loc[one, "themes"]}).reset_index(drop=True)


SETS = {"sample (tuned on)": sample, "semeval-14 restaurants": theme_sets.semeval_polar,
        "ru-restaurants": theme_sets.ru_restaurants, "airline": theme_sets.airline,
        "parallel-en-ru-lv": theme_sets.parallel, "banking77": theme_sets.banking, "mams": theme_sets.mams}
METHODS = {"themes": {}, "without tone/aspects": {"tone": None, "aspects": None, "max_themes": 12}}
# gold category -> words a name about it would hold (lower case, matched as substrings)
SYNONYMS = {
    "food": ["food", "dish", "meal", "taste", "menu", "pizza", "sushi", "еда", "блюд", "кухн", "вкус"],
    "service": ["service", "staff", "waiter", "waitress", "обслуживан", "персонал", "официант"],
    "ambience": ["atmosphere", "ambience", "interior", "decor", "place", "атмосфер", "интерьер"],
    "price": ["price", "value", "expensive", "cost", "цен"],
    "drinks": ["drink", "напит", "вин", "пиво", "кофе", "чай", "коктейл"],
    "Customer Service Issue": ["support", "service", "staff", "call", "hold", "help"],
    "Late Flight": ["delay", "late", "flight"], "Cancelled Flight": ["cancel", "flight"],
    "Lost Luggage": ["bag", "luggage"], "Damaged Luggage": ["bag", "luggage"],
    "Bad Flight": ["flight", "seat", "comfort"], "Flight Booking Problems": ["book", "reserv", "ticket"],
    "Flight Attendant Complaints": ["attendant", "crew", "staff"], "longlines": ["line", "queue", "wait"],
    "delivery_delay": ["deliver", "shipping", "courier"], "rude_support": ["support", "service"],
    "app_crash": ["app", "website"], "high_prices": ["price", "expensive"], "refund_problem": ["refund", "payment"],
    "friendly_staff": ["staff", "service"], "product_quality": ["quality", "product"],
    "easy_checkout": ["checkout", "website", "app", "payment"],
}


def config(changes: dict, pipeline: str = "default"):
    from themes.engine.config import load_config

    cfg = load_config(pipeline)
    cfg.stages = [(n, dict(p, **changes) if n == "discover" else p) for n, p in cfg.stages]
    return cfg


def mams_pairs(frame: pd.DataFrame, result) -> float:
    """Share of (sentence, aspect) pairs found as a mention in a theme of that aspect."""
    aspects = frame["aspects"].str.split(";")
    m = result.mentions
    row_of = dict(zip(result.comments["id"], result.comments["row"] - 1))  # comment id -> row in the frame
    votes: dict[str, dict[str, float]] = {}
    for theme, comment in zip(m["theme_id"], m["id"]):
        cats = [a for a in aspects.iat[row_of[comment]] if a != "miscellaneous"]
        for cat in cats:
            votes.setdefault(theme, {}).setdefault(cat, 0.0)
            votes[theme][cat] += 1 / len(cats)
    aspect_of = {t: max(v, key=v.get) for t, v in votes.items() if v}
    found_in: dict[int, set[str]] = {}
    for theme, comment in zip(m["theme_id"], m["id"]):
        if theme in aspect_of:
            found_in.setdefault(int(row_of[comment]), set()).add(aspect_of[theme])
    pairs = [(i, a) for i, cats in enumerate(aspects) for a in cats if a != "miscellaneous"]
    return float(np.mean([a in found_in.get(i, set()) for i, a in pairs]))


def named_right(top: pd.DataFrame, got: pd.Series, gold: pd.Series) -> str:
    """'right/of': themes >= 60% one category whose name holds one of its SYNONYMS."""
    labels = dict(zip(top["theme_id"], top["label"].str.lower()))
    right = of = 0
    for theme, cats in gold.groupby(got.to_numpy()):
        shares = cats.value_counts(normalize=True)
        if theme == "other" or shares.iloc[0] < 0.6 or shares.index[0] not in SYNONYMS:
            continue
        of += 1
        right += any(word in labels.get(theme, "") for word in SYNONYMS[shares.index[0]])
    return f"{right}/{of}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--discover", action="append", default=[], metavar="KEY=VALUE",
                        help="a discover setting for the 'themes' method (YAML value), e.g. anchor_z=2.5")
    parser.add_argument("--config", default="default", help="the pipeline of the 'themes' method (fast, scale, a YAML)")
    parser.add_argument("--methods", default=",".join(METHODS), help="which methods to run")
    args = parser.parse_args()
    import yaml

    METHODS["themes"] = {k: yaml.safe_load(v) for k, v in (item.split("=", 1) for item in args.discover)}
    need_shared()
    import themes

    for name in args.sets.split(","):
        frame = SETS[name]()
        if args.limit:
            frame = frame.head(args.limit)
        rows, names = [], {}
        for method, changes in METHODS.items():
            if method not in args.methods.split(","):
                continue
            started = time.perf_counter()
            texts = frame[["text"]].assign(text=frame["text"].str.replace(URL_OR_HANDLE, "", regex=True))
            pipeline = args.config if method == "themes" else "default"
            result = themes.analyze(texts, text="text", config=config(changes, pipeline), progress=False)
            got = result.comments.set_index("row")["primary_theme"]
            truth = frame.set_axis(range(1, len(frame) + 1))
            top = result.themes[result.themes["parent_id"].fillna("") == ""]
            row = {"method": method, "comments": len(got), "themes": int((top["theme_id"] != "other").sum()),
                   "max_share": round(float(got.value_counts(normalize=True).max()), 2),
                   "named": int(top["theme_id"].isin(result.summary["theme_selection"]["aspects"]["themes"]).sum())
                   if "aspects" in result.summary["theme_selection"] else 0}
            if "gold" in truth:
                row["NMI(cat)"] = round(normalized_mutual_info_score(truth.loc[got.index, "gold"], got), 3)
                row["named_right"] = named_right(top, got, truth.loc[got.index, "gold"])
            if "polarity" in truth:
                row["NMI(pol)"] = round(normalized_mutual_info_score(truth.loc[got.index, "polarity"], got), 3)
            if "aspects" in truth:
                row["pairs_found"] = round(mams_pairs(frame, result), 3)
            if "group" in truth:
                by_group = truth.loc[got.index].assign(theme=got).groupby("group")["theme"].nunique()
                row["xling"] = round(float((by_group == 1).mean()), 3)
            row["time_s"] = round(time.perf_counter() - started, 1)
            rows.append(row)
            names[method] = [f"{r.label} ({r.share:.0%})" for r in top.itertuples()]
        print(f"\n## {name}\n")
        print(pd.DataFrame(rows).to_string(index=False))
        for method, labels in names.items():
            print(f"  {method}: " + " | ".join(labels))


if __name__ == "__main__":
    main()
