"""Reading and validating an export: seconds and peak RSS of `themes.io.load.load_inputs` on a
synthetic export of N comments (benchmarks/scale.py's generator, written as UTF-8 CSV), in a
fresh process per size so each peak is its own.

    python benchmarks/load_export.py [--sizes 100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import add_readme_flag, need_shared, peak_rss_mb, show


def child(path: str) -> None:
    from themes.io.load import load_inputs

    started = time.perf_counter()
    loaded = load_inputs([path], text=["comment"], score="nps", date="date", id="id")
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "peak_rss_mb": round(peak_rss_mb()),
                      "kept": len(loaded.comments), "rejected": len(loaded.rejects),
                      "table_mb": round(loaded.comments.memory_usage(deep=True).sum() / 2**20)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    add_readme_flag(parser)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    need_shared()
    from scale import synthetic_export

    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="themes-load-") as scratch:
            path = Path(scratch) / "export.csv"
            synthetic_export(n).to_csv(path, index=False)
            out = subprocess.run([sys.executable, __file__, "--child", str(path)], check=True, capture_output=True,
                                 text=True, cwd=Path(__file__).parent).stdout
            rows.append({"comments": n, "file_mb": round(path.stat().st_size / 2**20),
                         **json.loads(out.splitlines()[-1])})
    show(f"load_export {args.sizes}", rows, args)


if __name__ == "__main__":
    main()
