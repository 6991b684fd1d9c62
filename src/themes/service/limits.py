"""Limits that hold under abuse: a request body is counted as it streams in and cut off at the
limit (Content-Length is only a claim); an upload is kept under a name the service chooses."""

from pathlib import Path

from ..io.read import EXCEL_SUFFIXES, JSON_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES


class BodyTooLarge(Exception):
    pass


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
                    raise BodyTooLarge(received)
            return message

        await self.app(scope, counted, send)


def stored_name(filename: str | None) -> str:
    """The name an upload is kept under: the service's, with the sender's file type when it is one
    the readers know (".." or "out" as a file name is then just a name that was sent)."""
    suffix = Path(filename or "").suffix.lower()
    return f"upload{suffix if suffix in TEXT_SUFFIXES | EXCEL_SUFFIXES | JSON_SUFFIXES | PARQUET_SUFFIXES else '.csv'}"


