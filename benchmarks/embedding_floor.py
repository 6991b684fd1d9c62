"""The least time the default tier's embedding can take on this machine: the synthetic export of
N comments (scale.py's) through cleaning and clause splitting, its distinct texts tokenized as e5
sees them, their FLOPs through e5-small's encoder (dense layers and attention), divided by what
this machine's fp32 matrix multiply sustains on its cores. A floor, not an estimate: every FLOP at
GEMM speed, no padding, no tokenizer or framework time.

    python benchmarks/embedding_floor.py --sizes 100000
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from scale import synthetic_export

from common import add_readme_flag, need_shared, show


def gemm_flops_per_s(hidden: int, ff: int, threads: int, rows: int = 4096, reps: int = 50) -> float:
    """fp32 FLOP/s of a (rows x hidden) @ (hidden x ff) multiply, e5's feed-forward shape."""
    import torch

    torch.set_num_threads(threads)
    a, w = torch.randn(rows, hidden), torch.randn(hidden, ff)
    for _ in range(3):
        a @ w
    started = time.perf_counter()
    for _ in range(reps):
        a @ w
    return reps * 2 * rows * hidden * ff / (time.perf_counter() - started)


def distinct_texts(n: int) -> list[str]:
    """What the embed stage embeds for the synthetic export of ``n`` comments: each distinct clause
    (without its contrast word) and comment once."""
    from themes.embedding.encode import distinct_rows
    from themes.engine.blocks import TextColumns
    from themes.stages import STAGES, State
    from themes.text.split import mention_core

    frame = synthetic_export(n).rename(columns={"comment": "text"})
    state = State(comments=frame[["id", "text"]].astype(str))
    for name in ("clean", "language", "split"):
        STAGES[name]().run(state)
    texts = TextColumns((state.mentions["span"], mention_core), *state.clean_texts().parts)
    first, _, _ = distinct_rows(texts)
    return texts.take(first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000")
    add_readme_flag(parser)
    args = parser.parse_args()
    need_shared()
    from transformers import AutoConfig, AutoTokenizer

    from themes.embedding.model import resolve_model

    spec = resolve_model(None)
    config, tokenizer = AutoConfig.from_pretrained(spec.path), AutoTokenizer.from_pretrained(spec.path)
    h, layers, ff = config.hidden_size, config.num_hidden_layers, config.intermediate_size
    threads = int(os.environ.get("THEMES_THREADS", os.cpu_count() or 1))
    gemm = gemm_flops_per_s(h, ff, threads)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        texts = distinct_texts(n)
        tokens = np.array([len(ids) for ids in tokenizer([spec.prefix + t for t in texts], truncation=True,
                                                          max_length=512)["input_ids"]], np.float64)
        # per token and layer: Q, K, V and output projections (4 h^2) and the feed-forward (2 h ff)
        # multiply-adds; per text and layer, attention scores and their weighted sum (2 t^2 h)
        flops = 2 * layers * ((4 * h * h + 2 * h * ff) * tokens.sum() + 2 * h * (tokens ** 2).sum())
        rows.append({"comments": n, "distinct_texts": len(texts), "tokens": int(tokens.sum()),
                     "mean_tokens": round(tokens.mean(), 1), "tflop": round(flops / 1e12, 1),
                     "gemm_gflop_s": round(gemm / 1e9, 1), "threads": threads,
                     "floor_min": round(flops / gemm / 60, 1)})
    show("embedding_floor", rows, args)


if __name__ == "__main__":
    main()
