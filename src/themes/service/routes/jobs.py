"""Jobs: submit an export (a multipart file or JSON records), follow it, read its results, delete it."""

# no `from __future__ import annotations`: FastAPI reads the route signatures at runtime
import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ...errors import safe_message
from ..deps import Owner, Runner
from ..jobs import JobRunner
from ..limits import stored_name
from ..models import AnalyzeOptions, AnalyzeRecords, JobCreated, JobStatus, errors, invalid, problem

router = APIRouter()
Limit = Annotated[int, Query(ge=1, le=10_000)]
Offset = Annotated[int, Query(ge=0)]


def own_job(jobs: JobRunner, job_id: str, who: str) -> dict:
    job = jobs.store.get(job_id)
    if job is None:
        raise HTTPException(404, detail=f"no job {job_id}")
    if job["owner"] != who:
        raise HTTPException(403, detail="this job belongs to another API key")
    return job


def finished(jobs: JobRunner, job_id: str, who: str) -> Path:
    job = own_job(jobs, job_id, who)
    if job["status"] != "done":
        raise HTTPException(409, detail=f"job is {job['status']}: results come when it is done")
    return jobs.store.job_dir(job_id) / "out"


def records(path: Path, limit: int, offset: int) -> list[dict]:
    import pandas as pd

    frame = pd.read_csv(path, keep_default_na=False, dtype=str).iloc[offset:offset + limit]
    return frame.to_dict("records")


@router.post("/v1/analyze", status_code=202, response_model=JobCreated, tags=["jobs"],
             responses=errors(401, 413, 422), openapi_extra={
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/AnalyzeRecords"}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "options": {"type": "string", "description": "AnalyzeOptions as JSON"}}}},
    }}})
async def submit(request: Request, jobs: Runner, who: Owner) -> JobCreated:
    """Start an analysis: an export as a multipart file (CSV, TSV, XLSX, JSON/JSONL, Parquet) or
    JSON records. Answers 202 with the job id; poll GET /v1/jobs/{id}."""
    settings, store, limit = jobs.settings, jobs.store, jobs.upload_limit
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
            raise problem(422, ["body", "file"], "field required: the export as a file")
        try:
            raw = json.loads(form.get("options") or "{}")
            if not isinstance(raw, dict):
                raise TypeError("options must be a JSON object")
            options = AnalyzeOptions(**raw)
        except (json.JSONDecodeError, TypeError, RecursionError) as exc:
            raise problem(422, ["body", "options"], f"not a JSON object: {safe_message(exc, 120)}") from None
        except ValidationError as exc:
            raise invalid(exc, ["body", "options"]) from None
        name = stored_name(upload.filename)
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
            raise invalid(exc, ["body"]) from None
        except RecursionError:
            raise problem(422, ["body"], "JSON nested too deeply") from None
        if len(body.records) > settings.max_rows:
            raise HTTPException(413, detail=f"{len(body.records)} records: the limit is {settings.max_rows}")
        options = body.options
        job_id = store.create(who, options.model_dump(exclude_none=True), "records.jsonl")
        path = store.job_dir(job_id) / "records.jsonl"
        await run_in_threadpool(path.write_text, "\n".join(json.dumps(r, ensure_ascii=False, default=str)
                                                           for r in body.records), encoding="utf-8")
    else:
        raise problem(422, ["header", "content-type"], "send multipart/form-data with a file, or JSON records")
    try:
        await run_in_threadpool(jobs.check_upload, path, options)  # parsing a large file: off the event loop
    except HTTPException:
        store.delete(job_id)
        raise
    jobs.submit(job_id)
    links = {"self": f"/v1/jobs/{job_id}", "themes": f"/v1/jobs/{job_id}/themes",
             "comments": f"/v1/jobs/{job_id}/comments", "report": f"/v1/jobs/{job_id}/report"}
    if options.codebook:
        links["coded"] = f"/v1/jobs/{job_id}/coded"
    return JobCreated(id=job_id, status="queued", links=links)


@router.get("/v1/jobs/{job_id}", response_model=JobStatus, tags=["jobs"], responses=errors(401, 403, 404, 422))
def job_status(job_id: str, jobs: Runner, who: Owner) -> JobStatus:
    """Status, progress per stage and the error of a failed job."""
    job = own_job(jobs, job_id, who)
    return JobStatus(**{k: job[k] for k in JobStatus.model_fields if k in job and job[k] is not None})


@router.get("/v1/jobs/{job_id}/themes", tags=["results"], responses=errors(401, 403, 404, 409, 422))
def job_themes(job_id: str, jobs: Runner, who: Owner) -> list[dict[str, str]]:
    """The ranked theme table (themes.csv) as JSON records."""
    return records(finished(jobs, job_id, who) / "themes.csv", 10_000, 0)


@router.get("/v1/jobs/{job_id}/comments", tags=["results"], responses=errors(401, 403, 404, 409, 422))
def job_comments(job_id: str, jobs: Runner, who: Owner, limit: Limit = 1000,
                 offset: Offset = 0) -> list[dict[str, str]]:
    """Comments with language, sentiment and themes (personal data masked), paged."""
    return records(finished(jobs, job_id, who) / "comments.csv", limit, offset)


@router.get("/v1/jobs/{job_id}/coded", tags=["results"], responses=errors(401, 403, 404, 409, 422))
def job_coded(job_id: str, jobs: Runner, who: Owner, limit: Limit = 1000, offset: Offset = 0) -> list[dict[str, str]]:
    """A coding job's codes per comment (coded.csv: codes, primary code, confidence, evidence)."""
    path = finished(jobs, job_id, who) / "coded.csv"
    if not path.exists():
        raise HTTPException(409, detail="this job found themes; /coded is for a job given a codebook")
    return records(path, limit, offset)


@router.get("/v1/jobs/{job_id}/report", response_class=HTMLResponse, tags=["results"],
            responses=errors(401, 403, 404, 409, 422))
def job_report(job_id: str, jobs: Runner, who: Owner) -> FileResponse:
    """The self-contained HTML report."""
    return FileResponse(finished(jobs, job_id, who) / "report.html", media_type="text/html")


@router.delete("/v1/jobs/{job_id}", status_code=204, tags=["jobs"], responses=errors(401, 403, 404, 422))
def delete_job(job_id: str, jobs: Runner, who: Owner) -> Response:
    """Delete a job and its files; a running one stops at its next stage and leaves nothing."""
    own_job(jobs, job_id, who)
    jobs.cancel(job_id)
    return Response(status_code=204)
