"""Bounded load on the HTTP API, on loopback only: a real `themes serve` process on 127.0.0.1
(random free port), C concurrent clients sending R requests to POST /v1/models/{name}/assign
with K comments each (drawn from the bundled sample, so later requests hit the embedding cache
as a busy service would). Prints throughput, p50/p95/p99 latency and the error count. The loop
is bounded in count and time and stops by itself.

    python benchmarks/service.py [--clients 50] [--requests 2000] [--comments 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from common import add_readme_flag, show

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def load(base: str, texts: list[str], clients: int, requests: int, comments: int, limit_s: float):
    import httpx

    rng = random.Random(0)
    bodies = [{"comments": [{"text": t} for t in rng.sample(texts, comments)]} for _ in range(requests)]
    latencies, errors = [], 0
    queue: asyncio.Queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    deadline = time.perf_counter() + limit_s

    async def client(http):
        nonlocal errors
        while not queue.empty() and time.perf_counter() < deadline:
            body = queue.get_nowait()
            started = time.perf_counter()
            try:
                answer = await http.post(f"{base}/v1/models/sample/assign", json=body, headers={"X-API-Key": "bench"})
                ok = answer.status_code == 200 and len(answer.json()["results"]) == len(body["comments"])
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok

    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=clients)) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return time.perf_counter() - started, np.array(latencies), errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=900, help="stop sending after this many seconds")
    add_readme_flag(parser)
    args = parser.parse_args()
    import httpx

    import themes

    scratch = tempfile.TemporaryDirectory(prefix="themes-bench-service-")  # removed when the benchmark exits
    work = Path(scratch.name)
    themes.analyze(ROOT / "examples" / "feedback.csv").save_model(work / "models" / "sample")
    texts = pd.read_csv(ROOT / "examples" / "feedback.csv")["comment"].dropna().astype(str).tolist()
    port = free_port()
    env = dict(os.environ, THEMES_API_KEYS="bench")
    server = subprocess.Popen([sys.executable, "-m", "themes.cli", "serve", "--port", str(port), "--data",
                               str(work / "data"), "--models", str(work / "models")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                sys.exit("the service did not become ready")
            time.sleep(0.3)
        elapsed, latency, errors = asyncio.run(load(base, texts, args.clients, args.requests, args.comments,
                                                    args.time_limit))
    finally:
        server.terminate()
        server.wait(timeout=30)
    ms = 1000 * np.percentile(latency, [50, 95, 99])
    print(f"{len(latency)} requests x {args.comments} comments, {args.clients} concurrent clients, loopback")
    show("service", [{
        "requests": len(latency), "comments per request": args.comments, "clients": args.clients,
        "requests/s": round(len(latency) / elapsed, 1), "comments/s": round(len(latency) * args.comments / elapsed),
        "p50_ms": round(ms[0]), "p95_ms": round(ms[1]), "p99_ms": round(ms[2]), "errors": errors,
        "wall_s": round(elapsed, 1)}], args)


if __name__ == "__main__":
    main()
