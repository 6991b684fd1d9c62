"""Model folders built at first use are written atomically: a half-written folder (a crash,
Ctrl-C, a full disk) must never be taken for a finished one on the next run."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """A work folder beside ``target`` that replaces it when the block succeeds and is removed
    when it fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield work
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


@contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """Held while a model folder is checked and built: runs started together on an empty cache
    (several CLI runs, the service's workers) build it once, one after another, instead of each
    replacing the folder while another reads it. An advisory lock on a file beside the folder,
    released by the system if the process dies."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, as before
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
