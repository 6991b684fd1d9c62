"""Errors a user can act on. The CLI prints them as one line and exits with code 2."""

from __future__ import annotations


class ThemesError(Exception):
    """A problem with the input or the options, stated so that the user can fix it."""

    exit_code = 2


class NoUsableComments(ThemesError):
    """Every input row was rejected; ``rejects`` says why, row by row (the CLI writes it)."""

    def __init__(self, rejects):
        super().__init__("no usable comments: every row was rejected")
        self.rejects = rejects


def column_list(columns, limit: int = 12, width: int = 40) -> str:
    """Column names for an error message: at most ``limit``, each cut to ``width`` characters (an
    export with thousands of columns, or a header holding a whole comment, stays one readable line)."""
    names = [str(c) if len(str(c)) <= width else str(c)[: width - 1] + "…" for c in list(columns)[:limit]]
    more = len(columns) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def safe_message(exc: BaseException, limit: int = 300) -> str:
    """What an error may show a person or a log: personal data masked, at most ``limit`` characters
    (a message that echoes a cell must not leak an e-mail, nor a parser's dump fill the screen)."""
    from .privacy import mask_pii  # lazy on purpose: errors.py is imported by nearly every module

    text = mask_pii(" ".join(str(exc).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
