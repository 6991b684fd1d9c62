"""Ctrl-C or a kill during embedding leaves the cache consistent, and the re-run reuses it."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest

pytestmark = pytest.mark.model

WORDS = ["delivery", "courier", "refund", "app", "price", "staff", "support", "checkout", "parcel", "card"]
MOODS = ["was slow", "was great", "never came", "crashed", "too high", "very kind", "was rude", "failed"]


def _rows(db) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT count(*) FROM emb").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # the table is being created


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_run_keeps_a_consistent_cache(tmp_path, sig):
    from themes.embedding.model import resolve_model

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "models").symlink_to(resolve_model().path.parent)  # reuse the converted model
    texts = [f"The {w} {m}, ticket {i}" for i in range(220) for w, m in zip(WORDS, MOODS[i % 8:] + MOODS[:i % 8])]
    path = tmp_path / "big.csv"
    pd.DataFrame({"comment": texts, "nps": [i % 11 for i in range(len(texts))]}).to_csv(path, index=False)
    env = dict(os.environ, THEMES_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "themes.cli", "analyze", str(path), "--out", str(tmp_path / "out"), "-q",
               "--no-report"]
    # a child of a background job inherits "ignore SIGINT"; a user's terminal never does, so
    # give the run the default disposition (Python then turns Ctrl-C into KeyboardInterrupt)
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    db = cache / "embeddings.sqlite"
    deadline = time.time() + 240
    while _rows(db) < 512 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = _rows(db)
    assert 512 <= kept < len(set(texts))
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["embedding"]["from_cache"] >= kept
    assert summary["embedding"]["from_cache"] + summary["embedding"]["computed"] == summary["embedding"]["unique"]
