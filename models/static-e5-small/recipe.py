"""Rebuild map.npz, the affine map that puts the static model's vectors into e5's space.

The static model (src/themes/embedding/static.py) is e5's per-token vectors, SIF-weighted and
averaged; the map is fitted by ridge regression (lambda 0.01, bias not penalised differently)
from those averages to e5's own embeddings of the same texts. The texts are the sentiment
recipe's licence-clean ones (models/sentiment-e5-small/recipe.py: CC0 Booking reviews, MIT VADER
snippets, MIT Latvian tweets' training split, the project's own sentences); nothing
non-commercial. The evaluation sets (airline, SemEval, banking77, the parallel sentences,
SentiRuEval) are not among them.

    python models/static-e5-small/recipe.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RIDGE = 0.01  # of 1.0, 0.1, 0.01, 0.001: 0.01 and 0.001 alike on the theme and sentiment sets, 1.0 worse


def training_texts(shared: Path) -> list[str]:
    spec = importlib.util.spec_from_file_location("sentiment_recipe", HERE.parent / "sentiment-e5-small" / "recipe.py")
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    return recipe.training_data(shared)["text"].tolist()


def fit_map(S: np.ndarray, Y: np.ndarray, ridge: float = RIDGE) -> tuple[np.ndarray, np.ndarray]:
    S1 = np.hstack([S, np.ones((len(S), 1))]).astype(np.float64)
    solution = np.linalg.solve(S1.T @ S1 + ridge * np.eye(S1.shape[1]), S1.T @ Y.astype(np.float64))
    return solution[:-1].astype(np.float32), solution[-1].astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(HERE.parents[1].parent / "shared" / "data"))
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args()
    shared = Path(args.shared)
    if not shared.is_dir():
        sys.exit(f"{shared}: shared data folder not found")

    from themes.embedding import static
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import load_model, resolve_model

    texts = training_texts(shared)
    e5 = resolve_model(None)
    Y, _ = embed_texts(texts, e5)
    with tempfile.TemporaryDirectory() as tmp:  # the static model without a map: what the map reads
        bare = static.assemble(static.weighted_table(e5.path), e5.path / "tokenizer.json", Path(tmp) / "bare", None)
        S = load_model(bare).encode(texts, batch_size=4096, convert_to_numpy=True)
    W, b = fit_map(S, Y)
    mapped = np.hstack([S, np.ones((len(S), 1), np.float32)]) @ np.vstack([W, b])
    mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)
    info = {"texts": len(texts), "ridge": RIDGE, "sif_a": static.SIF_A, "e5_fingerprint": e5.fingerprint,
            "mean_cosine_to_e5_before": round(float((S * Y).sum(1).mean()), 4),
            "mean_cosine_to_e5_after": round(float((mapped * Y).sum(1).mean()), 4)}
    out = Path(args.out)
    np.savez_compressed(out / "map.npz", W=W, b=b)
    (out / "map.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
