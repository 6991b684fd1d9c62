"""Liveness and readiness."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import Runner

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the embedding model is still loading"}})
def readyz(jobs: Runner) -> JSONResponse:
    if jobs.ready.is_set():
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "loading the embedding model"}, status_code=503)
