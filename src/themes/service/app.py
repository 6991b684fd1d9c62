"""The HTTP API (FastAPI). Jobs call ``themes.analyze`` (the in-process path, no second
implementation) in a bounded worker pool; ``assign`` calls ``themes.assign``.

Auth: an API key in ``X-API-Key`` (keys from THEMES_API_KEYS, comma-separated, or a keys
file); each key sees only its own jobs. Errors are data: 401 no or unknown key, 403 another
key's job, 404 unknown job or model, 413 too large, 422 malformed input with the field and
the reason (FastAPI's shape: {"detail": [{"loc": [...], "msg": ..., "type": ...}]}), 429 with
Retry-After when the queue, or the key's share of it, is full.

Under faults and abuse: every request body is counted as it streams in and cut off at the limit
(``BodyLimit``: Content-Length is only a claim); uploads are parsed and checked in a worker thread,
never on the event loop; an upload is stored under a name the service chooses; deleting a running
job stops it at its next stage and removes whatever it wrote; error messages are masked and short.
"""

# no `from __future__ import annotations` here: FastAPI reads the route signatures at runtime,
# and they refer to dependencies defined inside create_app
import hashlib
import hmac
import json
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..errors import ThemesError, safe_message
from ..io.model_folder import is_theme_model
from ..io.model_folder import labels as saved_labels
from .store import JobStore

ASSIGN_LIMIT = 1000
ASSIGN_CHARS = 200_000  # characters per assign request: it runs while the client waits
UNPACK_RATIO = 20  # a spreadsheet may unpack to 20x the upload limit (text compresses ~5-10x)


@dataclass
class Settings:
    data_dir: Path = Path("themes-service")
    models_dir: Path | None = None  # folders saved with --save-model; the folder name is the model name
    workers: int = 1
    max_upload_mb: float = 50.0
    max_rows: int = 200_000
    max_queued: int = 20  # jobs queued or running at once, of every key
    max_jobs_per_key: int = 5  # ... and of one key
    keys: list[str] = field(default_factory=list)
    open_access: bool = False  # no keys at all: only for a trusted local setup, said loudly
    warm_up: bool = True  # load the embedding model at start (readyz turns 200 when done)

    @classmethod
    def from_env(cls, keys_file: str | None = None, **overrides: Any) -> "Settings":
        keys = [k.strip() for k in os.environ.get("THEMES_API_KEYS", "").split(",") if k.strip()]
        if keys_file:
            keys += [line.strip() for line in Path(keys_file).read_text().splitlines()
                     if line.strip() and not line.startswith("#")]
        return cls(keys=keys, **overrides)


# ------------------------------------------------------------------ request and response models
MAX_CODES = 500


class AnalyzeOptions(BaseModel):
    """The CLI's options, by the same names."""

    model_config = {"extra": "forbid"}
    text: list[str] | None = Field(None, description="Text column(s); guessed from the header when not given")
    score: str | None = None
    date: str | None = None
    id: str | None = None
    lang: str | None = None
    segments: list[str] | None = None
    scale: Literal["auto", "nps", "csat", "ces", "stars", "rating10", "rating100"] = "auto"
    period: Literal["quarter", "month"] | None = None  # None: the pipeline's impact.period
    themes: int | None = Field(None, ge=2, le=50, description="Fix the number of top-level themes")
    default_language: str | None = Field(None, max_length=8)
    label_language: str = Field("en", max_length=8)
    report_language: Literal["en", "ru", "lv"] = "en"
    codebook: dict[str, Any] | None = Field(
        None, description="Code the comments with this codebook instead of finding themes: codebook.yaml's "
                          "content as JSON, {\"codes\": [{\"id\", \"name\", \"description\", \"examples\", "
                          "\"codes\": [...]}]}; the results then also hold /coded")

    @field_validator("codebook")
    @classmethod
    def _readable_codebook(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            from ..coding.codebook import codebook_from_data

            try:
                book = codebook_from_data(value, "codebook")
            except ThemesError as exc:
                raise ValueError(str(exc)) from None
            if len(book.codes) > MAX_CODES:
                raise ValueError(f"codebook: {len(book.codes)} codes, the limit is {MAX_CODES}")
        return value


class AnalyzeRecords(BaseModel):
    model_config = {"extra": "forbid"}
    records: list[dict[str, Any]] = Field(..., min_length=1, description="One object per comment")
    options: AnalyzeOptions = Field(default_factory=AnalyzeOptions)


class JobCreated(BaseModel):
    id: str
    status: str
    links: dict[str, str]


class JobStatus(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    created: float
    started: float | None = None
    finished: float | None = None
    progress: dict[str, str] = Field(default_factory=dict, description="stage -> running / done")
    error: str | None = None
    counts: dict[str, int] | None = None


class AssignComment(BaseModel):
    model_config = {"extra": "forbid"}
    id: str | None = Field(None, max_length=200)
    text: str = Field(..., max_length=20_000)


class AssignRequest(BaseModel):
    model_config = {"extra": "forbid"}
    comments: list[AssignComment] = Field(..., min_length=1)
    default_language: str | None = Field(None, max_length=8)


class Assigned(BaseModel):
    id: str
    language: str
    sentiment: float
    sentiment_label: str
    primary_theme: str
    label: str
    themes: list[str]
    flags: list[str] = Field(default_factory=list, description="anger, disappointment, gratitude, effort")


class AssignResponse(BaseModel):
    model: str
    results: list[Assigned]


class ModelInfo(BaseModel):
    name: str
    themes: dict[str, str] = Field(description="theme id -> label")


class Problem(BaseModel):
    """What every error answers: a sentence, or (422) the fields and reasons."""

    detail: str | list[dict[str, Any]]


def _errors(*codes: int) -> dict:
    text = {401: "no or unknown API key", 403: "another key's job", 404: "unknown job or model",
            409: "the job has not finished", 413: "too large (bytes, rows or comments)",
            422: "malformed input: the fields and the reasons"}
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}  # JSON even for /report
    return {code: {"description": text[code], "content": body} for code in codes}


def _problem(code: int, loc: list[str], msg: str, kind: str = "value_error") -> HTTPException:
    return HTTPException(code, detail=[{"loc": loc, "msg": msg, "type": kind}])


def _invalid(exc: ValidationError | RequestValidationError, prefix: list[str]) -> HTTPException:
    """422 with each error's place and reason, never the input itself: it can be invalid UTF-8 or
    megabytes, and it is the user's data."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else \
        exc.errors(include_url=False, include_context=False, include_input=False)
    return HTTPException(422, detail=[{"loc": [*prefix, *e.get("loc", ())], "msg": str(e.get("msg", "")),
                                       "type": str(e.get("type", "value_error"))} for e in errors])


class _BodyTooLarge(Exception):
    pass


class _Cancelled(Exception):
    """Raised in a job's thread at its next stage once the job was deleted."""


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is cut off as it streams in (chunked
    or not, whatever its Content-Length says) and answered 413 by the app's handler."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge(received)
            return message

        await self.app(scope, counted, send)


def _stored_name(filename: str | None) -> str:
    """The name an upload is kept under: the service's, with the sender's file type when it is one
    the readers know (".." or "out" as a file name is then just a name that was sent)."""
    from ..io.read import EXCEL_SUFFIXES, JSON_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES

    suffix = Path(filename or "").suffix.lower()
    return f"upload{suffix if suffix in TEXT_SUFFIXES | EXCEL_SUFFIXES | JSON_SUFFIXES | PARQUET_SUFFIXES else '.csv'}"


# ------------------------------------------------------------------ the app
def create_app(settings: Settings) -> FastAPI:
    if not settings.keys and not settings.open_access:
        raise ThemesError("no API keys: set THEMES_API_KEYS or --keys-file (or --no-auth for a trusted local setup)")
    store = JobStore(settings.data_dir)
    pool = ThreadPoolExecutor(max_workers=max(1, settings.workers), thread_name_prefix="themes-job")
    ready = threading.Event()
    cancelled: set[str] = set()  # jobs deleted while they ran: they stop at their next stage

    app = FastAPI(title="themes", version=__version__, docs_url=None, redoc_url=None,
                  description="Themes, sentiment and NPS impact from customer feedback. "
                              "Send the API key in the X-API-Key header.")
    limit = int(settings.max_upload_mb * 1024 * 1024)
    app.add_middleware(BodyLimit, limit=limit)

    @app.exception_handler(_BodyTooLarge)
    async def too_large(request: Request, exc: _BodyTooLarge) -> JSONResponse:
        return JSONResponse({"detail": f"request body over the limit of {limit} bytes"}, status_code=413)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _invalid(exc, []).detail}, status_code=422)

    # ------------------------------------------------------------ auth
    owners = {hashlib.sha256(k.encode()).hexdigest()[:16]: k for k in settings.keys}

    def owner(x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None) -> str:
        if settings.open_access:
            return "open"
        if not x_api_key:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="send an API key in the X-API-Key header")
        digest = hashlib.sha256(x_api_key.encode()).hexdigest()[:16]
        if digest not in owners or not hmac.compare_digest(owners[digest], x_api_key):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="unknown API key")
        return digest

    def own_job(job_id: str, who: str) -> dict:
        job = store.get(job_id)
        if job is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no job {job_id}")
        if job["owner"] != who:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this job belongs to another API key")
        return job

    # ------------------------------------------------------------ jobs
    def run(job_id: str) -> None:
        from ..api import analyze, code
        from ..coding.codebook import codebook_from_data

        job = store.get(job_id)
        if job is None:  # deleted while queued
            return
        options = dict(job["options"])
        report_language = options.pop("report_language", "en")
        n_themes = options.pop("themes", None)
        codebook = options.pop("codebook", None)
        store.update(job_id, status="running", started=time.time())

        def progress(name: str, state: str) -> None:
            if job_id in cancelled:
                raise _Cancelled
            store.stage(job_id, name, state)

        folder = store.job_dir(job_id)
        try:
            source = str(folder / job["input"])
            result = code(source, codebook_from_data(codebook, "codebook"), mask=True, on_stage=progress, **options) \
                if codebook else analyze(source, n_themes=n_themes, mask=True, on_stage=progress, **options)
            if job_id not in cancelled:
                result.save(folder / "out", report_language=report_language)
                store.update(job_id, status="done", finished=time.time(), counts=result.summary["counts"])
        except _Cancelled:
            pass
        except ThemesError as exc:
            store.update(job_id, status="failed", finished=time.time(),
                         error=safe_message(exc).replace(str(folder), "the upload"))
        except Exception as exc:  # a bug: keep the service up and say so on the job
            store.update(job_id, status="failed", finished=time.time(),
                         error=f"internal error: {type(exc).__name__}: {safe_message(exc).replace(str(folder), '')}")
        finally:
            if job_id in cancelled:  # deleted meanwhile: nothing it wrote stays
                shutil.rmtree(folder, ignore_errors=True)
                cancelled.discard(job_id)

    for job_id in store.with_status("running"):  # the previous process died mid-job
        store.update(job_id, status="failed", finished=time.time(),
                      error="interrupted: the service stopped while this job ran; submit it again")
    for job_id in store.with_status("queued"):  # accepted but not started: run them now
        pool.submit(run, job_id)

    def warm() -> None:
        from ..embedding.model import load_model, resolve_model

        load_model(resolve_model().path)
        ready.set()

    if settings.warm_up:
        threading.Thread(target=warm, daemon=True, name="themes-warm-up").start()
    else:
        ready.set()

    def check_rows(path: Path, options: AnalyzeOptions) -> None:
        """Read the upload now so a bad file is a 422/413 answer, not a failed job later."""
        from ..io.columns import resolve_roles
        from ..io.read import read_table

        check_expansion(path)
        try:
            table = read_table(path, max_rows=settings.max_rows)
            resolve_roles(list(table.frame.columns), path.name, text=options.text, score=options.score,
                          date=options.date, id=options.id, language=options.lang, segments=options.segments)
        except ThemesError as exc:
            raise _problem(422, ["body", "file"], safe_message(exc).replace(str(path), path.name)) from None
        if len(table.frame) > settings.max_rows:
            raise HTTPException(413, detail=f"more than {settings.max_rows} rows: the limit is {settings.max_rows}")

    def check_expansion(path: Path) -> None:
        """A spreadsheet is a zip: refused before it is parsed when its files unpack to more than
        UNPACK_RATIO x the upload limit (its rows are read only up to --max-rows, by read_table)."""
        import zipfile

        if path.suffix != ".xlsx" or not zipfile.is_zipfile(path):
            return
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > UNPACK_RATIO * limit:
            raise HTTPException(413, detail=f"the spreadsheet unpacks to {unpacked} bytes: the limit is "
                                            f"{UNPACK_RATIO * limit}")

    @app.post("/v1/analyze", status_code=202, response_model=JobCreated, tags=["jobs"],
              responses=_errors(401, 413, 422), openapi_extra={
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/AnalyzeRecords"}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"},
                "options": {"type": "string", "description": "AnalyzeOptions as JSON"}}}},
        }}})
    async def submit(request: Request, who: Annotated[str, Depends(owner)]) -> JobCreated:
        """Start an analysis: an export as a multipart file (CSV, TSV, XLSX, JSON/JSONL, Parquet) or
        JSON records. Answers 202 with the job id; poll GET /v1/jobs/{id}."""
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:  # a claim: BodyLimit counts what comes
            raise HTTPException(413, detail=f"upload of {int(length)} bytes: the limit is {limit}")
        for active, most, whose in ((store.active(), settings.max_queued, "the queue is"),
                                    (store.active(who), settings.max_jobs_per_key, "this key's jobs are")):
            if active >= most:
                raise HTTPException(429, detail=f"{whose} full ({active} queued or running): try again later",
                                    headers={"Retry-After": "30"})
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise _problem(422, ["body", "file"], "field required: the export as a file")
            try:
                raw = json.loads(form.get("options") or "{}")
                if not isinstance(raw, dict):
                    raise TypeError("options must be a JSON object")
                options = AnalyzeOptions(**raw)
            except (json.JSONDecodeError, TypeError, RecursionError) as exc:
                raise _problem(422, ["body", "options"], f"not a JSON object: {safe_message(exc, 120)}") from None
            except ValidationError as exc:
                raise _invalid(exc, ["body", "options"]) from None
            name = _stored_name(upload.filename)
            job_id = store.create(who, options.model_dump(exclude_none=True), name)
            path = store.job_dir(job_id) / name
            with open(path, "wb") as out:  # the form spooled it to disk already: copied in chunks
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
        elif kind.startswith("application/json"):
            data = await request.body()
            try:
                body = await run_in_threadpool(AnalyzeRecords.model_validate_json, data)
            except ValidationError as exc:
                raise _invalid(exc, ["body"]) from None
            except RecursionError:
                raise _problem(422, ["body"], "JSON nested too deeply") from None
            if len(body.records) > settings.max_rows:
                raise HTTPException(413, detail=f"{len(body.records)} records: the limit is {settings.max_rows}")
            options = body.options
            job_id = store.create(who, options.model_dump(exclude_none=True), "records.jsonl")
            path = store.job_dir(job_id) / "records.jsonl"
            await run_in_threadpool(path.write_text, "\n".join(json.dumps(r, ensure_ascii=False, default=str)
                                                               for r in body.records), encoding="utf-8")
        else:
            raise _problem(422, ["header", "content-type"], "send multipart/form-data with a file, or JSON records")
        try:
            await run_in_threadpool(check_rows, path, options)  # parsing a large file: off the event loop
        except HTTPException:
            store.delete(job_id)
            raise
        pool.submit(run, job_id)
        links = {"self": f"/v1/jobs/{job_id}", "themes": f"/v1/jobs/{job_id}/themes",
                 "comments": f"/v1/jobs/{job_id}/comments", "report": f"/v1/jobs/{job_id}/report"}
        if options.codebook:
            links["coded"] = f"/v1/jobs/{job_id}/coded"
        return JobCreated(id=job_id, status="queued", links=links)

    @app.get("/v1/jobs/{job_id}", response_model=JobStatus, tags=["jobs"], responses=_errors(401, 403, 404, 422))
    def job_status(job_id: str, who: Annotated[str, Depends(owner)]) -> JobStatus:
        """Status, progress per stage and the error of a failed job."""
        job = own_job(job_id, who)
        return JobStatus(**{k: job[k] for k in JobStatus.model_fields if k in job and job[k] is not None})

    def finished(job_id: str, who: str) -> Path:
        job = own_job(job_id, who)
        if job["status"] != "done":
            raise HTTPException(409, detail=f"job is {job['status']}: results come when it is done")
        return store.job_dir(job_id) / "out"

    def records(path: Path, limit: int, offset: int) -> list[dict]:
        import pandas as pd

        frame = pd.read_csv(path, keep_default_na=False, dtype=str).iloc[offset:offset + limit]
        return frame.to_dict("records")

    @app.get("/v1/jobs/{job_id}/themes", tags=["results"], responses=_errors(401, 403, 404, 409, 422))
    def job_themes(job_id: str, who: Annotated[str, Depends(owner)]) -> list[dict[str, str]]:
        """The ranked theme table (themes.csv) as JSON records."""
        return records(finished(job_id, who) / "themes.csv", 10_000, 0)

    @app.get("/v1/jobs/{job_id}/comments", tags=["results"], responses=_errors(401, 403, 404, 409, 422))
    def job_comments(job_id: str, who: Annotated[str, Depends(owner)],
                     limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
                     offset: Annotated[int, Query(ge=0)] = 0) -> list[dict[str, str]]:
        """Comments with language, sentiment and themes (personal data masked), paged."""
        return records(finished(job_id, who) / "comments.csv", limit, offset)

    @app.get("/v1/jobs/{job_id}/coded", tags=["results"], responses=_errors(401, 403, 404, 409, 422))
    def job_coded(job_id: str, who: Annotated[str, Depends(owner)],
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
                  offset: Annotated[int, Query(ge=0)] = 0) -> list[dict[str, str]]:
        """A coding job's codes per comment (coded.csv: codes, primary code, confidence, evidence)."""
        path = finished(job_id, who) / "coded.csv"
        if not path.exists():
            raise HTTPException(409, detail="this job found themes; /coded is for a job given a codebook")
        return records(path, limit, offset)

    @app.get("/v1/jobs/{job_id}/report", response_class=HTMLResponse, tags=["results"],
             responses=_errors(401, 403, 404, 409, 422))
    def job_report(job_id: str, who: Annotated[str, Depends(owner)]) -> FileResponse:
        """The self-contained HTML report."""
        return FileResponse(finished(job_id, who) / "report.html", media_type="text/html")

    @app.delete("/v1/jobs/{job_id}", status_code=204, tags=["jobs"], responses=_errors(401, 403, 404, 422))
    def delete_job(job_id: str, who: Annotated[str, Depends(owner)]) -> Response:
        """Delete a job and its files; a running one stops at its next stage and leaves nothing."""
        if own_job(job_id, who)["status"] == "running":
            cancelled.add(job_id)
        store.delete(job_id)
        return Response(status_code=204)

    # ------------------------------------------------------------ models
    def model_folders() -> dict[str, Path]:
        root = settings.models_dir
        if root is None or not Path(root).is_dir():
            return {}
        return {p.name: p for p in sorted(Path(root).iterdir()) if is_theme_model(p)}

    @app.get("/v1/models", response_model=list[ModelInfo], tags=["models"], responses=_errors(401, 422))
    def list_models(who: Annotated[str, Depends(owner)]) -> list[ModelInfo]:
        """Saved theme models (`themes analyze --save-model DIR` into the models folder)."""
        out = []
        for name, folder in model_folders().items():
            out.append(ModelInfo(name=name, themes={k: v.get("label", "") for k, v in saved_labels(folder).items()}))
        return out

    @app.post("/v1/models/{name}/assign", response_model=AssignResponse, tags=["models"],
              responses=_errors(401, 404, 413, 422), openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/AssignRequest"}}}}})
    async def assign_comments(name: str, request: Request, who: Annotated[str, Depends(owner)]) -> AssignResponse:
        """Themes, sentiment and language per comment, from a saved theme model (up to 1,000 comments)."""
        data = await request.body()
        try:  # parsed here rather than by FastAPI: a body that is not JSON or not UTF-8 is a 422 too
            body = await run_in_threadpool(AssignRequest.model_validate_json, data)
        except ValidationError as exc:
            raise _invalid(exc, ["body"]) from None
        except RecursionError:
            raise _problem(422, ["body"], "JSON nested too deeply") from None
        return await run_in_threadpool(assign_in_thread, name, body)

    def assign_in_thread(name: str, body: AssignRequest) -> AssignResponse:
        from ..api import assign

        folders = model_folders()
        if name not in folders:
            raise HTTPException(404, detail=f"no model '{name}' (GET /v1/models lists them)")
        if len(body.comments) > ASSIGN_LIMIT:
            raise HTTPException(413, detail=f"{len(body.comments)} comments: the limit is {ASSIGN_LIMIT} per request")
        characters = sum(len(c.text) for c in body.comments)
        if characters > ASSIGN_CHARS:
            raise HTTPException(413, detail=f"{characters} characters: the limit is {ASSIGN_CHARS} per request "
                                            "(send larger batches as a job: POST /v1/analyze)")
        ids = [c.id or str(i) for i, c in enumerate(body.comments)]
        # the theme model is a few small files; the embedding model behind it is loaded once per process
        frame = assign([c.text for c in body.comments], folders[name], ids=ids,
                       default_language=body.default_language)
        return AssignResponse(model=name, results=[Assigned(**r) for r in frame.to_dict("records")])

    # ------------------------------------------------------------ health and docs
    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], responses={503: {"description": "the embedding model is still loading"}})
    def readyz() -> JSONResponse:
        if ready.is_set():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "loading the embedding model"}, status_code=503)

    _docs(app)
    _openapi_components(app, AnalyzeRecords, AssignRequest, Problem)
    app.state.store = store
    app.state.pool = pool
    app.state.ready = ready
    return app


def _openapi_components(app: FastAPI, *models: type[BaseModel]) -> None:
    """Schemas that only appear in a hand-written request body still belong in components."""
    from fastapi.openapi.utils import get_openapi

    def build() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for name, sub in definition.pop("$defs", {}).items():
                    components.setdefault(name, sub)
                components[model.__name__] = definition
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = build


def _docs(app: FastAPI) -> None:
    """Swagger UI from the installed swagger-ui-bundle, so /docs works offline."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    try:
        import swagger_ui_bundle

        app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")
        urls = {"swagger_js_url": "/docs-static/swagger-ui-bundle.js", "swagger_css_url": "/docs-static/swagger-ui.css"}
    except ImportError:  # without the bundle the page needs the internet; /openapi.json works regardless
        urls = {}

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="themes API", **urls)
