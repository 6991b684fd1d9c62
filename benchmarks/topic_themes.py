"""Do top-level themes follow topics or tone? The default pipeline against itself without the
two things that make themes topics (discover's ``tone: null, aspects: null``, with the former
``max_themes: 12``), on labelled sets none of its settings were tuned on but the bundled sample.

    pip install bertopic     # for the bertopic method; benchmark environment only
    python benchmarks/topic_themes.py [--sets semeval,ru-restaurants,...] [--limit N] [--discover anchor_z=2.5]
                                      [--config fast] [--methods themes,bertopic] [--readme]

Methods: "themes" (the default pipeline, or --config), "without tone/aspects", and "bertopic"
(BERTopic's default settings with language="multilingual", on the same e5 embeddings, named as
BERTopic names its topics: id and top four words), so the names can be read side by side. --readme writes the tables
into benchmarks/README.md.

Printed per set and method:
- NMI(cat): comments' top-level theme against the gold topic (aspect category, complaint reason);
  NMI(pol): against the gold polarity where the set has one (SemEval-14: the categories
  themselves carry 0.037 with it);
- themes, max_share: the number of top-level themes and the largest one's share of comments;
- named: top-level themes named after an aspect of the base codeframe (models/aspects);
- MAMS (every sentence two or more aspects): the share of annotated (sentence, aspect) pairs,
  miscellaneous left out, found as a mention of the sentence in a theme of that aspect; a theme
  counts as the aspect that most of its mentions' sentences name (each sentence's aspects
  shared equally); pairs_ceiling: the most any assignment of one theme per mention could find
  (a sentence split into n mentions finds at most n of its aspects);
- xling: the parallel set's translation triples whose three sentences land in one theme;
- named_right: of the top-level themes that are >= 60% one gold category, the share whose name
  holds a word of that category (SYNONYMS: a table per set; written by the project after it had
  seen the pipeline's names, so a generous reading, not a blind one).
The top-level themes' names follow each table.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import time

import numpy as np
import pandas as pd
import theme_sets
from sklearn.metrics import normalized_mutual_info_score

from common import markdown_table, need_shared, publish

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
MAX_NAMES = 15  # names shown per method (BERTopic may find a hundred topics)
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


def bertopic_topics(texts: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """BERTopic with its default settings but ``language="multilingual"`` (the English default
    strips every letter outside ASCII before it picks keywords) on the same e5 embeddings
    (themes_vs_bertopic.py's runner): each row's topic, and each topic's representation named
    as BERTopic names it (its id and top four words joined by "_"); outliers are topic -1."""
    from themes_vs_bertopic import run_bertopic

    found = run_bertopic(texts, seed=0, language="multilingual")
    got = pd.Series(found["labels"], index=range(1, len(texts) + 1))
    ids = sorted({t for t in found["labels"] if t != "-1"}, key=int)
    names = {t: f"{t}_" + "_".join(words[:4]) for t, words in zip(ids, found["keywords"])}
    shares = got.value_counts(normalize=True)
    top = pd.DataFrame({"theme_id": [*ids, "-1"], "label": [names.get(t, "outliers") for t in [*ids, "-1"]]})
    return got, top.assign(share=top["theme_id"].map(shares).fillna(0.0)).sort_values("share", ascending=False)


def pairs_ceiling(frame: pd.DataFrame, result) -> float:
    """The most MAMS pairs any assignment of one theme per mention can find: a sentence of n
    mentions finds at most n of its aspects."""
    aspects = frame["aspects"].str.split(";").map(lambda cats: [a for a in cats if a != "miscellaneous"])
    per_row = result.mentions.groupby("id").size()
    n_mentions = result.comments.set_index("row")["id"].map(per_row).reindex(range(1, len(frame) + 1)).fillna(1)
    return float(sum(min(n, len(cats)) for n, cats in zip(n_mentions, aspects)) / aspects.map(len).sum())


def run_set(name: str, frame: pd.DataFrame, methods: list[str], pipeline: str) -> tuple[list[dict], dict]:
    """One set's rows (one per method) and each method's top-level names."""
    import themes

    rows, names = [], {}
    texts = frame[["text"]].assign(text=frame["text"].str.replace(URL_OR_HANDLE, "", regex=True))
    truth = frame.set_axis(range(1, len(frame) + 1))
    for method in methods:
        started = time.perf_counter()
        row = {"set": name, "method": method}
        if method == "bertopic":
            got, top = bertopic_topics(texts)
            row |= {"comments": len(got), "themes": int((top["theme_id"] != "-1").sum()),
                    "max_share": round(float(got.value_counts(normalize=True).max()), 2), "named": ""}
        else:
            result = themes.analyze(texts, text="text", progress=False,
                                    config=config(METHODS[method], pipeline if method == "themes" else "default"))
            got = result.comments.set_index("row")["primary_theme"]
            top = result.themes[result.themes["parent_id"].fillna("") == ""]
            aspects = result.summary["theme_selection"].get("aspects", {}).get("themes", {})
            row |= {"comments": len(got), "themes": int((top["theme_id"] != "other").sum()),
                    "max_share": round(float(got.value_counts(normalize=True).max()), 2),
                    "named": int(top["theme_id"].isin(aspects).sum())}
        if "gold" in truth:
            row["NMI(cat)"] = round(normalized_mutual_info_score(truth.loc[got.index, "gold"], got), 3)
            row["named_right"] = named_right(top, got, truth.loc[got.index, "gold"])
        if "polarity" in truth:
            row["NMI(pol)"] = round(normalized_mutual_info_score(truth.loc[got.index, "polarity"], got), 3)
        if "aspects" in truth and method != "bertopic":
            row["pairs_found"] = round(mams_pairs(frame, result), 3)
            row["pairs_ceiling"] = round(pairs_ceiling(frame, result), 3)
        if "group" in truth:
            by_group = truth.loc[got.index].assign(theme=got).groupby("group")["theme"].nunique()
            row["xling"] = round(float((by_group == 1).mean()), 3)
        row["time_s"] = round(time.perf_counter() - started, 1)
        rows.append(row)
        shown = [f"{r.label} ({r.share:.0%})" for r in top.itertuples()]
        names[method] = shown[:MAX_NAMES] + ([f"... {len(shown) - MAX_NAMES} more"] if len(shown) > MAX_NAMES else [])
    return rows, names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--discover", action="append", default=[], metavar="KEY=VALUE",
                        help="a discover setting for the 'themes' method (YAML value), e.g. anchor_z=2.5")
    parser.add_argument("--config", default="default", help="the pipeline of the 'themes' method (fast, scale, a YAML)")
    parser.add_argument("--methods", default=",".join([*METHODS, "bertopic"]),
                        help="which methods to run (bertopic: needs `pip install bertopic`)")
    parser.add_argument("--readme", action="store_true", help="write the tables into benchmarks/README.md")
    args = parser.parse_args()
    import yaml

    METHODS["themes"] = {k: yaml.safe_load(v) for k, v in (item.split("=", 1) for item in args.discover)}
    need_shared()
    methods = args.methods.split(",")
    if "bertopic" in methods and importlib.util.find_spec("bertopic") is None:
        print("bertopic is not installed (pip install bertopic): left out")
        methods.remove("bertopic")
    table, named = [], []
    for name in args.sets.split(","):
        frame = SETS[name]()
        if args.limit:
            frame = frame.head(args.limit)
        rows, names = run_set(name, frame, methods, args.config)
        table += rows
        print(f"\n## {name}\n")
        print(pd.DataFrame(rows).drop(columns="set").to_string(index=False))
        for method, labels in names.items():
            print(f"  {method}: " + " | ".join(labels))
            named.append({"set": name, "method": method, "top-level themes (share of comments)": " · ".join(labels)})
    if args.readme:
        columns = ["set", "method", "comments", "themes", "max_share", "named", "NMI(cat)", "NMI(pol)",
                   "pairs_found", "pairs_ceiling", "xling", "named_right"]
        publish("topic_themes", markdown_table([{k: r.get(k, "") for k in columns} for r in table]))
        publish("topic_names", markdown_table(named))


if __name__ == "__main__":
    main()
