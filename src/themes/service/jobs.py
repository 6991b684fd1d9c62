"""The job runner: jobs run ``themes.analyze`` (or ``themes.code`` when given a codebook) in a
bounded pool of threads; a job deleted while it runs stops at its next stage and leaves nothing;
jobs a stopped process left running are marked failed, queued ones run at start."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi import HTTPException

from ..api import analyze, code
from ..coding.codebook import codebook_from_data
from ..embedding.model import load_model, resolve_model
from ..errors import ThemesError, safe_message
from ..io.columns import resolve_roles
from ..io.read import read_table
from .models import UNPACK_RATIO, AnalyzeOptions, Settings, problem
from .store import JobStore


class Cancelled(Exception):
    """Raised in a job's thread at its next stage once the job was deleted."""


class JobRunner:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = JobStore(settings.data_dir)
        self.pool = ThreadPoolExecutor(max_workers=max(1, settings.workers), thread_name_prefix="themes-job")
        self.ready = threading.Event()  # the embedding model is loaded
        self.cancelled: set[str] = set()  # jobs deleted while they ran: they stop at their next stage
        self.upload_limit = int(settings.max_upload_mb * 1024 * 1024)

    def start(self) -> None:
        """Mark what a stopped process left running as failed, run what it left queued, and load
        the embedding model in the background (``ready`` once it is)."""
        store = self.store
        for job_id in store.with_status("running"):
            store.update(job_id, status="failed", finished=time.time(),
                         error="interrupted: the service stopped while this job ran; submit it again")
        for job_id in store.with_status("queued"):
            self.submit(job_id)
        if self.settings.warm_up:
            threading.Thread(target=self._warm, daemon=True, name="themes-warm-up").start()
        else:
            self.ready.set()

    def _warm(self) -> None:
        load_model(resolve_model().path)
        self.ready.set()

    def submit(self, job_id: str) -> None:
        self.pool.submit(self.run, job_id)

    def cancel(self, job_id: str) -> None:
        """Delete a job; a running one stops at its next stage (``run`` then removes its folder)."""
        if (self.store.get(job_id) or {}).get("status") == "running":
            self.cancelled.add(job_id)
        self.store.delete(job_id)

    def run(self, job_id: str) -> None:
        store = self.store
        job = store.get(job_id)
        if job is None:  # deleted while queued
            return
        options = dict(job["options"])
        report_language = options.pop("report_language", "en")
        n_themes = options.pop("themes", None)
        codebook = options.pop("codebook", None)
        store.update(job_id, status="running", started=time.time())

        def progress(name: str, state: str) -> None:
            if job_id in self.cancelled:
                raise Cancelled
            store.stage(job_id, name, state)

        folder = store.job_dir(job_id)
        try:
            source = str(folder / job["input"])
            result = code(source, codebook_from_data(codebook, "codebook"), mask=True, on_stage=progress, **options) \
                if codebook else analyze(source, n_themes=n_themes, mask=True, on_stage=progress, **options)
            if job_id not in self.cancelled:
                result.save(folder / "out", report_language=report_language)
                store.update(job_id, status="done", finished=time.time(), counts=result.summary["counts"])
        except Cancelled:
            pass
        except ThemesError as exc:
            store.update(job_id, status="failed", finished=time.time(),
                         error=safe_message(exc).replace(str(folder), "the upload"))
        except Exception as exc:  # a bug: keep the service up and say so on the job
            store.update(job_id, status="failed", finished=time.time(),
                         error=f"internal error: {type(exc).__name__}: {safe_message(exc).replace(str(folder), '')}")
        finally:
            if job_id in self.cancelled:  # deleted meanwhile: nothing it wrote stays
                shutil.rmtree(folder, ignore_errors=True)
                self.cancelled.discard(job_id)

    # ------------------------------------------------------------ uploads, checked before a job is queued
    def check_upload(self, path: Path, options: AnalyzeOptions) -> None:
        """Read the upload now (in a worker thread) so a bad file is a 422/413 answer, not a failed
        job later."""
        self._check_expansion(path)
        try:
            table = read_table(path, max_rows=self.settings.max_rows)
            resolve_roles(list(table.frame.columns), path.name, text=options.text, score=options.score,
                          date=options.date, id=options.id, language=options.lang, segments=options.segments)
        except ThemesError as exc:
            raise problem(422, ["body", "file"], safe_message(exc).replace(str(path), path.name)) from None
        if len(table.frame) > self.settings.max_rows:
            limit = self.settings.max_rows
            raise HTTPException(413, detail=f"more than {limit} rows: the limit is {limit}")

    def _check_expansion(self, path: Path) -> None:
        """A spreadsheet is a zip: refused before it is parsed when its files unpack to more than
        UNPACK_RATIO x the upload limit (its rows are read only up to --max-rows, by read_table)."""
        import zipfile

        if path.suffix != ".xlsx" or not zipfile.is_zipfile(path):
            return
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > UNPACK_RATIO * self.upload_limit:
            raise HTTPException(413, detail=f"the spreadsheet unpacks to {unpacked} bytes: the limit is "
                                            f"{UNPACK_RATIO * self.upload_limit}")
