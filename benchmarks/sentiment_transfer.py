"""Sentiment on a corpus the head has never seen: leave one corpus out.

    python benchmarks/sentiment_transfer.py [--limit 3000] [--no-lexical]

For each labelled sentiment corpus in ../shared/data, a head is trained (`themes.analysis.sentiment.train_head`,
as models/sentiment-e5-small/recipe.py trains the shipped one: the project's clauses weighted up,
the lexical part on unless --no-lexical) on every other corpus, and scored on the one left out. That
is what a user with an export from another source gets. Printed per held-out corpus: macro-F1, the
recall of each class, each class's predicted share beside its true share, and the worst ratio of
the two (a class predicted at 1.5x its true share or more is a bias). Beside them, the shipped head
on the same corpus (`in shipped` marks the corpora it trained on: there it is not held out).

Corpora that are not licence-clean (airline tweets, SentiRuEval, the Latvian sets without a free
licence, SemEval, Hu & Liu) are used here for measuring only: no head trained on them is saved.
`--limit`: at most that many texts per corpus (seeded), so a run stays bounded.
"""

from __future__ import annotations

import argparse
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
from sentiment_eval import _recipe, eval_sets
from sklearn.metrics import f1_score, recall_score

from common import add_readme_flag, need_shared, show

CLASSES = ["negative", "neutral", "positive"]


def huliu(shared) -> pd.DataFrame:
    """Hu & Liu product review sentences: the sum of their aspect ratings' signs ([+2], [-1])."""
    rows = []
    for path in sorted((shared / "en_huliu_customer_reviews_CR").glob("*.txt")):
        if path.name.lower().startswith("readme"):
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if "##" not in line:
                continue
            tags, text = line.split("##", 1)
            signs = sum(int(s) for s in re.findall(r"\[([+-]\d)\]", tags))
            if signs and text.strip():
                rows.append((text.strip(), "positive" if signs > 0 else "negative"))
    return pd.DataFrame(rows, columns=["text", "label"])


def semeval(shared) -> pd.DataFrame:
    """SemEval-14 restaurant sentences whose aspect polarities agree (positive, negative, neutral)."""
    rows = []
    for path in sorted((shared / "en_semeval_absa_2014_2016" / "ABSA-SemEval2014").glob("Restaurants*.xml")):
        for sentence in ET.parse(path).getroot().iter("sentence"):
            polarities = {c.get("polarity") for c in sentence.iter("aspectCategory")} - {"conflict", None}
            if len(polarities) == 1:
                rows.append((sentence.findtext("text").strip(), polarities.pop()))
    return pd.DataFrame(rows, columns=["text", "label"]).drop_duplicates("text")


def corpora(shared, limit: int) -> dict[str, tuple[pd.DataFrame, bool]]:
    """name -> (text, label rows; whether the shipped head trained on it)."""
    recipe = _recipe()
    lv = recipe.latvian_all(shared)
    sets = {"en booking": (recipe.booking(shared), True), "en vader": (recipe.vader(shared), True),
            "lv gov": (lv[lv["source"] == "lv_gov"], True),
            "lv peisenieks": (lv[lv["source"] == "lv_peisenieks"], True),
            "en huliu": (huliu(shared), False), "en semeval-14": (semeval(shared), False)}
    for name, frame in eval_sets(shared).items():
        if name != "lv held-out":  # that one is lv gov + lv peisenieks, above
            sets[name] = (frame, False)
    out = {}
    for name, (frame, shipped) in sets.items():
        frame = frame[["text", "label"]].dropna().drop_duplicates("text")
        if limit and len(frame) > limit:
            frame = frame.sample(limit, random_state=0)
        out[name] = (frame.reset_index(drop=True), shipped)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--no-lexical", action="store_true")
    add_readme_flag(parser)
    args = parser.parse_args()
    from themes.analysis.sentiment import load_head, train_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.text.clean import clean_text

    recipe = _recipe()
    spec = resolve_model()
    sets = corpora(need_shared(), args.limit)
    project = recipe.project()
    shipped = load_head(str(recipe.HERE))
    data = {}
    for name, (frame, _) in [*sets.items(), ("project", (project, True))]:
        texts = [clean_text(t) for t in frame["text"].astype(str)]
        data[name] = (embed_texts(texts, spec)[0], frame["label"].to_numpy(), texts)
    rows = []
    for held in sets:
        train = [n for n in data if n != held]
        X = np.vstack([data[n][0] for n in train])
        y = np.concatenate([data[n][1] for n in train])
        texts = [t for n in train for t in data[n][2]]
        weight = np.concatenate([np.full(len(data[n][1]), recipe.PROJECT_WEIGHT if n == "project" else 1.0)
                                 for n in train])
        head = train_head(X, y, sample_weight=weight, texts=None if args.no_lexical else texts)
        Xh, yh, th = data[held]
        predicted = head.score(Xh, texts=None if args.no_lexical else th)[1]
        present = [c for c in CLASSES if (yh == c).any()]
        recall = dict(zip(present, recall_score(yh, predicted, labels=present, average=None, zero_division=0)))
        true_share = {c: float((yh == c).mean()) for c in present}
        pred_share = {c: float((predicted == c).mean()) for c in CLASSES}
        ratio = max(pred_share[c] / true_share[c] for c in present)
        row = {"held out": held, "n": len(yh), "macro-F1": round(f1_score(yh, predicted, average="macro",
                                                                         labels=present), 3)}
        for c in CLASSES:  # "-": the corpus has no such class
            row[f"recall {c[:3]}"] = round(float(recall[c]), 2) if c in recall else "-"
        row["true shares n/0/p"] = "/".join(f"{true_share.get(c, 0):.2f}" for c in CLASSES)
        row["predicted n/0/p"] = "/".join(f"{pred_share[c]:.2f}" for c in CLASSES)
        row["worst ratio"] = round(ratio, 2)
        mine = shipped.score(Xh, texts=th if shipped.reads_text else None)[1]
        row["shipped F1"] = round(f1_score(yh, mine, average="macro", labels=present), 3)
        row["in shipped"] = "yes" if sets[held][1] else ""
        rows.append(row)
        print(row, flush=True)  # a fold takes minutes: each as it ends
    print(f"leave one corpus out: {'embedding only' if args.no_lexical else 'with the lexical part'}, "
          f"at most {args.limit} texts per corpus, embeddings {spec.name}")
    show("sentiment_transfer" + (" embedding only" if args.no_lexical else ""), rows, args)


if __name__ == "__main__":
    main()
