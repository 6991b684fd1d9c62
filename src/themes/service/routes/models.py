"""Saved theme models: list them, and assign a handful of comments synchronously."""

# no `from __future__ import annotations`: FastAPI reads the route signatures at runtime
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ...api import assign
from ...io.model_folder import is_theme_model
from ...io.model_folder import labels as saved_labels
from ..deps import Owner, Runner
from ..models import (
    ASSIGN_CHARS,
    ASSIGN_LIMIT,
    Assigned,
    AssignRequest,
    AssignResponse,
    ModelInfo,
    Settings,
    errors,
    invalid,
    problem,
)

router = APIRouter(tags=["models"])


def model_folders(settings: Settings) -> dict[str, Path]:
    root = settings.models_dir
    if root is None or not Path(root).is_dir():
        return {}
    return {p.name: p for p in sorted(Path(root).iterdir()) if is_theme_model(p)}


@router.get("/v1/models", response_model=list[ModelInfo], responses=errors(401, 422))
def list_models(jobs: Runner, who: Owner) -> list[ModelInfo]:
    """Saved theme models (`themes analyze --save-model DIR` into the models folder)."""
    return [ModelInfo(name=name, themes={k: v.get("label", "") for k, v in saved_labels(folder).items()})
            for name, folder in model_folders(jobs.settings).items()]


@router.post("/v1/models/{name}/assign", response_model=AssignResponse, responses=errors(401, 404, 413, 422),
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"$ref": "#/components/schemas/AssignRequest"}}}}})
async def assign_comments(name: str, request: Request, jobs: Runner, who: Owner) -> AssignResponse:
    """Themes, sentiment and language per comment, from a saved theme model (up to 1,000 comments)."""
    data = await request.body()
    try:  # parsed here rather than by FastAPI: a body that is not JSON or not UTF-8 is a 422 too
        body = await run_in_threadpool(AssignRequest.model_validate_json, data)
    except ValidationError as exc:
        raise invalid(exc, ["body"]) from None
    except RecursionError:
        raise problem(422, ["body"], "JSON nested too deeply") from None
    return await run_in_threadpool(_assign, jobs.settings, name, body)


def _assign(settings: Settings, name: str, body: AssignRequest) -> AssignResponse:
    folders = model_folders(settings)
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
    frame = assign([c.text for c in body.comments], folders[name], ids=ids, default_language=body.default_language)
    return AssignResponse(model=name, results=[Assigned(**r) for r in frame.to_dict("records")])
