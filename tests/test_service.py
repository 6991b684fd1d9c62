"""`themes serve`: the HTTP API, through FastAPI's TestClient and a real uvicorn process."""

import json
import os
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from themes.service import Settings, create_app

pytestmark = pytest.mark.model
A, B = {"X-API-Key": "key-a"}, {"X-API-Key": "key-b"}


@pytest.fixture(scope="module")
def models_dir(analysed, tmp_path_factory):
    result, _ = analysed
    folder = tmp_path_factory.mktemp("models")
    result.save_model(folder / "sample")
    return folder


@pytest.fixture(scope="module")
def records(sample_rows):
    rows = [{k: r[k] for k in ("response_id", "date", "channel", "nps", "comment")} for r in sample_rows[:150]]
    rows[3]["comment"] = "Refund never came, write to me: jane.roe@example.com or +371 29 765 432"
    return rows


def make(tmp_path, models_dir, **settings):
    options = dict(data_dir=tmp_path / "data", models_dir=models_dir, keys=["key-a", "key-b"], workers=1)
    options.update(settings)
    return create_app(Settings(**options))


def wait(client, job_id, headers=A, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_health_and_auth(tmp_path, models_dir):
    with TestClient(make(tmp_path, models_dir)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/v1/models").status_code == 401
        assert client.get("/v1/models", headers={"X-API-Key": "nope"}).status_code == 401
        assert client.get("/v1/models", headers=A).json()[0]["name"] == "sample"
        deadline = time.time() + 120
        while client.get("/readyz").status_code != 200 and time.time() < deadline:
            time.sleep(0.2)
        assert client.get("/readyz").json() == {"status": "ready"}
        docs = client.get("/docs")
        assert docs.status_code == 200 and "/docs-static/swagger-ui-bundle.js" in docs.text


def test_the_full_job_life_cycle(tmp_path, models_dir, records):
    with TestClient(make(tmp_path, models_dir)) as client:
        created = client.post("/v1/analyze", headers=A, json={
            "records": records, "options": {"text": ["comment"], "score": "nps", "segments": ["channel"]}})
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]
        job = wait(client, job_id)
        assert job["status"] == "done", job
        assert set(job["progress"].values()) == {"done"} and "embed" in job["progress"]
        assert job["counts"]["read"] == 150
        themes = client.get(f"/v1/jobs/{job_id}/themes", headers=A).json()
        assert {"theme_id", "label", "impact", "impact_low", "impact_high", "rank"} <= set(themes[0])
        comments = client.get(f"/v1/jobs/{job_id}/comments", headers=A, params={"limit": 10}).json()
        assert len(comments) == 10
        everything = json.dumps(client.get(f"/v1/jobs/{job_id}/comments", headers=A).json())
        assert "jane.roe@example.com" not in everything and "765 432" not in everything and "[EMAIL]" in everything
        report = client.get(f"/v1/jobs/{job_id}/report", headers=A)
        assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
        # another key may not see it
        assert client.get(f"/v1/jobs/{job_id}", headers=B).status_code == 403
        assert client.get(f"/v1/jobs/{job_id}/themes", headers=B).status_code == 403
        assert client.delete(f"/v1/jobs/{job_id}", headers=B).status_code == 403
        assert client.delete(f"/v1/jobs/{job_id}", headers=A).status_code == 204
        assert client.get(f"/v1/jobs/{job_id}", headers=A).status_code == 404


def test_a_multipart_upload(tmp_path, models_dir, records):
    csv = pd.DataFrame(records).to_csv(index=False).encode()
    with TestClient(make(tmp_path, models_dir)) as client:
        created = client.post("/v1/analyze", headers=A, files={"file": ("survey.csv", csv, "text/csv")},
                              data={"options": json.dumps({"scale": "nps", "report_language": "lv"})})
        assert created.status_code == 202, created.text
        job = wait(client, created.json()["id"])
        assert job["status"] == "done", job
        assert "Klientu atsauksmju" in client.get(f"/v1/jobs/{job['id']}/report", headers=A).text


def test_a_coding_job_with_a_codebook(tmp_path, models_dir, records):
    from pathlib import Path

    import yaml

    codebook = yaml.safe_load((Path(__file__).parents[1] / "examples" / "codebook.yaml").read_text(encoding="utf-8"))
    with TestClient(make(tmp_path, models_dir)) as client:
        bad = client.post("/v1/analyze", headers=A, json={"records": records, "options": {"codebook": {"codes": []}}})
        assert bad.status_code == 422 and "codebook: no codes" in bad.text
        created = client.post("/v1/analyze", headers=A, json={
            "records": records, "options": {"text": ["comment"], "score": "nps", "codebook": codebook}})
        assert created.status_code == 202, created.text
        assert created.json()["links"]["coded"].endswith("/coded")
        job = wait(client, created.json()["id"])
        assert job["status"] == "done", job
        themes = client.get(f"/v1/jobs/{job['id']}/themes", headers=A).json()
        assert {t["theme_id"] for t in themes} >= {"delivery", "service", "rude_support"}
        coded = client.get(f"/v1/jobs/{job['id']}/coded", headers=A, params={"limit": 5}).json()
        assert len(coded) == 5 and {"id", "codes", "primary_code", "confidence", "evidence"} <= set(coded[0])


def test_errors_are_data(tmp_path, models_dir, records):
    with TestClient(make(tmp_path, models_dir, max_rows=100, max_upload_mb=0.05)) as client:
        def post(headers=A, **kw):
            return client.post("/v1/analyze", headers=headers, **kw)

        empty = post(json={"records": []})
        assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "records"]
        typo = post(json={"records": records[:5], "options": {"scor": "nps"}})
        assert typo.status_code == 422 and typo.json()["detail"][0]["loc"] == ["body", "options", "scor"]
        no_text = post(files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")})
        assert no_text.status_code == 422
        assert no_text.json()["detail"][0]["loc"] == ["body", "file"] and "no text column" in no_text.text
        assert post(headers={**A, "content-type": "text/plain"}, content=b"hello").status_code == 422
        assert post(json={"records": records[:101]}).status_code == 413  # rows
        big = pd.DataFrame({"comment": ["x" * 100] * 1000}).to_csv(index=False).encode()
        assert post(files={"file": ("big.csv", big, "text/csv")}).status_code == 413  # bytes
        from openpyxl import Workbook

        book = Workbook(write_only=True)  # 150 rows in a sheet that declares no size: counted, stopped at 101
        sheet = book.create_sheet("s")
        for row in [["comment"]] + [["slow delivery"]] * 150:
            sheet.append(row)
        sheet_file = tmp_path / "rows.xlsx"
        book.save(sheet_file)
        too_long = post(files={"file": ("rows.xlsx", sheet_file.read_bytes(), "application/octet-stream")})
        assert too_long.status_code == 413 and "more than 100 rows" in too_long.text
        assert client.get("/v1/jobs/0123456789abcdef", headers=A).status_code == 404
        too_many = {"comments": [{"text": "slow delivery"}] * 1001}
        assert client.post("/v1/models/sample/assign", headers=A, json=too_many).status_code == 413
        assert client.post("/v1/models/nope/assign", headers=A, json={"comments": [{"text": "x"}]}).status_code == 404
        assert client.get("/v1/models", headers=A).status_code == 200


def test_assign_from_a_saved_model(tmp_path, models_dir):
    with TestClient(make(tmp_path, models_dir)) as client:
        answer = client.post("/v1/models/sample/assign", headers=A, json={"comments": [
            {"id": "a", "text": "The courier was two days late"},
            {"id": "b", "text": "Приложение постоянно вылетает"},
            {"id": "c", "text": "Lieliski darbinieki, bet cenas par augstu"}]})
        assert answer.status_code == 200, answer.text
        results = {r["id"]: r for r in answer.json()["results"]}
        assert [results[k]["language"] for k in "abc"] == ["en", "ru", "lv"]
        assert results["a"]["sentiment_label"] == "negative" and len(results["c"]["themes"]) == 2
        labels = client.get("/v1/models", headers=A).json()[0]["themes"]
        assert all(results[k]["label"] == labels[results[k]["primary_theme"]] for k in "abc")


def test_jobs_survive_a_restart_and_interrupted_ones_are_marked_failed(tmp_path, models_dir, records):
    with TestClient(make(tmp_path, models_dir)) as client:
        job_id = client.post("/v1/analyze", headers=A, json={"records": records[:60]}).json()["id"]
        assert wait(client, job_id)["status"] == "done"
        app = client.app
        stuck = app.state.store.create("x", {}, "records.jsonl")
        app.state.store.update(stuck, status="running")
    with TestClient(make(tmp_path, models_dir)) as client:  # a new process on the same folder
        assert client.get(f"/v1/jobs/{job_id}", headers=A).json()["status"] == "done"
        assert client.get(f"/v1/jobs/{job_id}/themes", headers=A).status_code == 200
        job = client.app.state.store.get(stuck)
        assert job["status"] == "failed" and job["error"].startswith("interrupted")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_real_uvicorn_process(tmp_path, models_dir, records):
    import httpx

    port = _free_port()
    keys = tmp_path / "keys.txt"
    keys.write_text("# one key per line\nkey-a\n")
    command = [sys.executable, "-m", "themes.cli", "serve", "--port", str(port), "--data", str(tmp_path / "data"),
               "--models", str(models_dir), "--keys-file", str(keys)]
    env = {k: v for k, v in os.environ.items() if k != "THEMES_API_KEYS"}

    def start():
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                time.sleep(0.2)
        proc.kill()
        raise AssertionError(proc.stderr.read())

    base = f"http://127.0.0.1:{port}"
    proc = start()
    try:
        created = httpx.post(f"{base}/v1/analyze", headers=A, json={"records": records[:60]}, timeout=60)
        assert created.status_code == 202
        job_id = created.json()["id"]
        deadline = time.time() + 300
        while (status := httpx.get(f"{base}/v1/jobs/{job_id}", headers=A).json()["status"]) not in ("done", "failed"):
            assert time.time() < deadline
            time.sleep(0.3)
        assert status == "done"
        assert httpx.get(f"{base}/v1/jobs/{job_id}", headers=B).status_code == 401  # key-b is not configured here
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    proc = start()  # restarted: the job and its results are still there
    try:
        assert httpx.get(f"{base}/v1/jobs/{job_id}/themes", headers=A).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_under_abuse_the_service_answers_with_the_right_codes_and_keeps_nothing_it_should_not(
        tmp_path, models_dir, records):
    """Streamed bodies over the limit, malformed bodies, hostile file names, a full queue, a big
    assign, and a job deleted while it runs (#28)."""
    with TestClient(make(tmp_path, models_dir, max_upload_mb=0.05, max_jobs_per_key=1)) as client:
        def chunked(size):  # no Content-Length: only counting the stream can stop it
            for _ in range(size // 4096):
                yield b"x" * 4096

        assert client.post("/v1/analyze", headers={**A, "content-type": "application/json"},
                           content=chunked(200_000)).status_code == 413
        boundary = "b0undary"
        multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
                     .encode() + b"comment\n" + b"y" * 200_000)
        assert client.post("/v1/analyze", headers={**A, "content-type": f"multipart/form-data; boundary={boundary}"},
                           content=iter([multipart[i:i + 8192] for i in range(0, len(multipart), 8192)])
                           ).status_code == 413
        for body in (b"{", b"", b'{"records": ["\xff\xfe"]}', b"[" * 5000 + b"]" * 5000):
            answer = client.post("/v1/analyze", headers={**A, "content-type": "application/json"}, content=body)
            assert answer.status_code == 422, (body[:20], answer.text[:200])
        nested = json.dumps({"a": 1}).join(["[" * 3000, "]" * 3000])
        answer = client.post("/v1/analyze", headers=A, files={"file": ("a.csv", b"comment\nok\n", "text/csv")},
                             data={"options": nested})
        assert answer.status_code == 422
        assert client.post("/v1/models/sample/assign", headers={**A, "content-type": "application/json"},
                           content=b'{"comments": [{"text": "\xff"}]}').status_code == 422
        big = {"comments": [{"text": "slow delivery " * 1400}] * 20}  # 392,000 characters
        assert client.post("/v1/models/sample/assign", headers=A, json=big).status_code == 413

        csv = pd.DataFrame(records[:60]).to_csv(index=False).encode()
        first = client.post("/v1/analyze", headers=A, files={"file": ("..", csv, "text/csv")})
        assert first.status_code == 202, first.text
        full = client.post("/v1/analyze", headers=A, files={"file": ("out", csv, "text/csv")})
        assert full.status_code == 429 and full.headers["Retry-After"] == "30"
        job_id = first.json()["id"]
        folder = tmp_path / "data" / "jobs" / job_id
        assert sorted(p.name for p in folder.iterdir()) == ["upload.csv"]
        deadline = time.time() + 120
        while client.get(f"/v1/jobs/{job_id}", headers=A).json()["status"] == "queued" and time.time() < deadline:
            time.sleep(0.05)
        assert client.delete(f"/v1/jobs/{job_id}", headers=A).status_code == 204
        client.app.state.pool.submit(lambda: None).result(timeout=300)  # the job's thread has finished
        assert not folder.exists() and client.get(f"/v1/jobs/{job_id}", headers=A).status_code == 404
        second = client.post("/v1/analyze", headers=A, files={"file": ("out", csv, "text/csv")})
        assert second.status_code == 202 and wait(client, second.json()["id"])["status"] == "done"
