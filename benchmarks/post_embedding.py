"""The stages after embedding at a million comments, without the hours of embedding: random unit
vectors stand in for e5's (384-d; 1.5 mentions per comment; en/ru/lv), run through the theme
model's fit on a sample and assignment of every row, and the sentiment head. Each size runs in its
own process; printed: seconds per step and the process's peak RSS, with the vectors' own size
beside it, so what the steps add on top of their input is visible.

    python benchmarks/post_embedding.py [--sizes 100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np

from common import add_readme_flag, peak_rss_mb, show


def unit_vectors(rng: np.random.Generator, n: int, dim: int = 384, dtype: str = "float32") -> np.ndarray:
    """Drawn and normalised a block at a time into the ``dtype`` matrix: the input costs its own
    size, no more (the same numbers as one draw of the whole matrix)."""
    X = np.empty((n, dim), np.dtype(dtype))
    for start in range(0, n, 65536):
        block = rng.standard_normal((min(65536, n - start), dim), dtype=np.float32)
        X[start:start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return X


def child(n: int) -> dict:
    from themes.analysis.sentiment import load_head
    from themes.analysis.theme_model import ThemeModel

    rng = np.random.default_rng(0)
    m = int(n * 1.5)
    comments, mentions = unit_vectors(rng, n), unit_vectors(rng, m)
    c_lang = rng.choice(["en", "ru", "lv"], n, p=[0.7, 0.15, 0.15])
    m_lang = rng.choice(["en", "ru", "lv"], m, p=[0.7, 0.15, 0.15])
    input_mb = (comments.nbytes + mentions.nbytes) / 2**20
    baseline = peak_rss_mb()
    times = {}
    started = time.perf_counter()
    model = ThemeModel(seed=42).fit(comments, c_lang)
    times["fit_s"] = time.perf_counter() - started
    started = time.perf_counter()
    model.cap_other(model.assign(mentions, m_lang).similarity, 0.1)
    model.assign(mentions, m_lang)
    model.assign(comments, c_lang)
    times["assign_s"] = time.perf_counter() - started
    started = time.perf_counter()
    head = load_head()
    head.score(comments)
    head.score(mentions)
    times["sentiment_s"] = time.perf_counter() - started
    return {"comments": n, "mentions": m, "vectors_mb": round(input_mb), "rss_after_vectors_mb": round(baseline),
            **{k: round(v, 1) for k, v in times.items()}, "peak_rss_mb": round(peak_rss_mb())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    add_readme_flag(parser)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True, capture_output=True, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    print()
    show(f"post_embedding {args.sizes}", rows, args)


if __name__ == "__main__":
    main()
