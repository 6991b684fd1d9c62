"""`themes serve`: the HTTP API. ``create_app(Settings(...))`` builds the FastAPI app."""

from .app import create_app
from .models import Settings

__all__ = ["Settings", "create_app"]
