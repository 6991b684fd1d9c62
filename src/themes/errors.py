"""Errors a user can act on. The CLI prints them as one line and exits with code 2."""

from __future__ import annotations


class ThemesError(Exception):
    """A problem with the input or the options, stated so that the user can fix it."""

    exit_code = 2
