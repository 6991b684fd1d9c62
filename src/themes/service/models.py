"""What the HTTP API accepts and answers (pydantic models, validated at the door), its settings,
and the shape of its errors: 401/403/404/409/413 a sentence, 422 the fields and the reasons."""

# no `from __future__ import annotations`: FastAPI and pydantic read these annotations at runtime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError, field_validator

from ..coding.codebook import codebook_from_data
from ..errors import ThemesError

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


def errors(*codes: int) -> dict:
    text = {401: "no or unknown API key", 403: "another key's job", 404: "unknown job or model",
            409: "the job has not finished", 413: "too large (bytes, rows or comments)",
            422: "malformed input: the fields and the reasons"}
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}  # JSON even for /report
    return {code: {"description": text[code], "content": body} for code in codes}


def problem(code: int, loc: list[str], msg: str, kind: str = "value_error") -> HTTPException:
    return HTTPException(code, detail=[{"loc": loc, "msg": msg, "type": kind}])


def invalid(exc: ValidationError | RequestValidationError, prefix: list[str]) -> HTTPException:
    """422 with each error's place and reason, never the input itself: it can be invalid UTF-8 or
    megabytes, and it is the user's data."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else \
        exc.errors(include_url=False, include_context=False, include_input=False)
    return HTTPException(422, detail=[{"loc": [*prefix, *e.get("loc", ())], "msg": str(e.get("msg", "")),
                                       "type": str(e.get("type", "value_error"))} for e in errors])


