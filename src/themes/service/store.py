"""Jobs and their results on local disk: an SQLite index plus one folder per job, so that
finished jobs survive a restart and an interrupted one is marked failed, not lost."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

SCHEMA = """CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, status TEXT NOT NULL, created REAL NOT NULL,
    started REAL, finished REAL, options TEXT NOT NULL, input TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '{}', error TEXT, counts TEXT)"""


class JobStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        (self.folder / "jobs").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.folder / "jobs.sqlite"), check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(SCHEMA)

    def job_dir(self, job_id: str) -> Path:
        return self.folder / "jobs" / job_id

    def create(self, owner: str, options: dict, input_name: str) -> str:
        job_id = uuid.uuid4().hex
        self.job_dir(job_id).mkdir(parents=True)
        with self._lock, self._db:
            self._db.execute("INSERT INTO jobs (id, owner, status, created, options, input) VALUES (?,?,?,?,?,?)",
                             (job_id, owner, "queued", time.time(), json.dumps(options), input_name))
        return job_id

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        job = dict(row)
        for key in ("options", "progress", "counts"):
            job[key] = json.loads(job[key]) if job[key] else None
        return job

    def update(self, job_id: str, **fields: Any) -> None:
        for key in ("progress", "counts", "options"):
            if key in fields and not isinstance(fields[key], str):
                fields[key] = json.dumps(fields[key])
        columns = ", ".join(f"{k} = ?" for k in fields)
        with self._lock, self._db:
            self._db.execute(f"UPDATE jobs SET {columns} WHERE id = ?", (*fields.values(), job_id))

    def stage(self, job_id: str, stage: str, state: str) -> None:
        job = self.get(job_id)
        if job is not None:
            progress = job["progress"] or {}
            progress[stage] = state
            self.update(job_id, progress=progress)

    def delete(self, job_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
        shutil.rmtree(self.job_dir(job_id), ignore_errors=True)

    def active(self, owner: str | None = None) -> int:
        """Jobs queued or running (of ``owner``, or of everyone)."""
        query = "SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')"
        args: tuple = ()
        if owner is not None:
            query, args = query + " AND owner = ?", (owner,)
        with self._lock:
            return int(self._db.execute(query, args).fetchone()[0])

    def with_status(self, *statuses: str) -> list[str]:
        marks = ",".join("?" * len(statuses))
        with self._lock:
            rows = self._db.execute(f"SELECT id FROM jobs WHERE status IN ({marks}) ORDER BY created", statuses)
            return [r[0] for r in rows]
