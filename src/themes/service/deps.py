"""What the routes depend on: the app's job runner and settings, and the caller's API key."""

# no `from __future__ import annotations`: FastAPI reads these signatures at runtime
import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from .jobs import JobRunner


def runner(request: Request) -> JobRunner:
    return request.app.state.runner


def owner(request: Request, x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None) -> str:
    """The caller, as a digest of its key ("open" without auth): each key sees only its own jobs."""
    settings = request.app.state.runner.settings
    if settings.open_access:
        return "open"
    if not x_api_key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="send an API key in the X-API-Key header")
    digest = hashlib.sha256(x_api_key.encode()).hexdigest()[:16]
    known = request.app.state.keys
    if digest not in known or not hmac.compare_digest(known[digest], x_api_key):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="unknown API key")
    return digest


Runner = Annotated[JobRunner, Depends(runner)]
Owner = Annotated[str, Depends(owner)]
