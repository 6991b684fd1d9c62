"""`themes serve`: the HTTP API. ``create_app(Settings(...))`` builds the FastAPI app."""

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]
