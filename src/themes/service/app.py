"""The HTTP API (FastAPI): ``create_app`` wires the job runner (jobs.py), the routes (routes/),
the body limit (limits.py) and the docs. Jobs call ``themes.analyze`` (or ``themes.code``: the
in-process path, no second implementation); assign calls ``themes.assign``.

Auth: an API key in ``X-API-Key`` (keys from THEMES_API_KEYS, comma-separated, or a keys
file); each key sees only its own jobs. Errors are data: 401 no or unknown key, 403 another
key's job, 404 unknown job or model, 409 results before the job is done, 413 too large, 422
malformed input with the field and the reason (FastAPI's shape: {"detail": [{"loc": [...], "msg":
..., "type": ...}]}), 429 with Retry-After when the queue, or the key's share of it, is full.

Under faults and abuse: every request body is counted as it streams in and cut off at the limit;
uploads are parsed and checked in a worker thread, never on the event loop; an upload is stored
under a name the service chooses; deleting a running job stops it at its next stage and removes
whatever it wrote; error messages are masked and short.
"""

import hashlib

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from .. import __version__
from ..errors import ThemesError
from .jobs import JobRunner
from .limits import BodyLimit, BodyTooLarge
from .models import AnalyzeRecords, AssignRequest, Problem, Settings, invalid
from .routes import health, jobs, models


def create_app(settings: Settings) -> FastAPI:
    if not settings.keys and not settings.open_access:
        raise ThemesError("no API keys: set THEMES_API_KEYS or --keys-file (or --no-auth for a trusted local setup)")
    runner = JobRunner(settings)
    app = FastAPI(title="themes", version=__version__, docs_url=None, redoc_url=None,
                  description="Themes, sentiment and NPS impact from customer feedback. "
                              "Send the API key in the X-API-Key header.")
    app.state.runner = runner
    app.state.keys = {hashlib.sha256(k.encode()).hexdigest()[:16]: k for k in settings.keys}
    app.state.store, app.state.pool, app.state.ready = runner.store, runner.pool, runner.ready
    app.add_middleware(BodyLimit, limit=runner.upload_limit)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return JSONResponse({"detail": f"request body over the limit of {runner.upload_limit} bytes"}, status_code=413)

    @app.exception_handler(RequestValidationError)
    async def unprocessable(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": invalid(exc, []).detail}, status_code=422)

    for router in (jobs.router, models.router, health.router):
        app.include_router(router)
    _docs(app)
    _openapi_components(app, AnalyzeRecords, AssignRequest, Problem)
    runner.start()
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
