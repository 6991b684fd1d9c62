"""The report page's data as JSON, written into the page as it is made.

The page holds one item per comment (its themes, score, sentiment, period, language and segments).
As Python lists and one JSON string, those items were the report's largest cost in memory. Here
each per-comment list stays a NumPy array (``PerComment``) and is written
a block of items at a time; everything else goes through jinja's own ``tojson`` encoding, so the
page is byte for byte what ``{{ data | tojson }}`` gives.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import secrets
from collections.abc import Callable, Iterator
from typing import IO

import numpy as np

BLOCK = 100_000


class PerComment:
    """A JSON list with one item per comment, held as arrays; ``items(start, stop)`` encodes a block."""

    def __init__(self, n: int, items: Callable[[int, int], list[str]]):
        self.n, self.items = n, items

    @classmethod
    def codes(cls, codes: np.ndarray) -> PerComment:
        """Integers (a coded value per comment; -1: none)."""
        return cls(len(codes), lambda a, b: list(map(str, codes[a:b].tolist())))

    @classmethod
    def numbers(cls, values: np.ndarray) -> PerComment:
        """Floats, NaN written as null (``repr`` is how ``json.dumps`` writes a float)."""
        return cls(len(values), lambda a, b: ["null" if x != x else repr(x) for x in values[a:b].tolist()])

    @classmethod
    def lists(cls, offsets: np.ndarray, items: np.ndarray) -> PerComment:
        """A list of integers per comment: comment i's are ``items[offsets[i]:offsets[i + 1]]``."""
        def encode(a: int, b: int) -> list[str]:
            bounds, flat = offsets[a:b + 1].tolist(), items[offsets[a]:offsets[b]].tolist()
            base = bounds[0]
            return ["[" + ", ".join(map(str, flat[i - base:j - base])) + "]" for i, j in itertools.pairwise(bounds)]
        return cls(len(offsets) - 1, encode)

    def blocks(self, size: int = BLOCK) -> Iterator[str]:
        for start in range(0, self.n, size):
            yield ", ".join(self.items(start, min(start + size, self.n)))


def write_htmlsafe_json(data, handle: IO[str], block: int = BLOCK) -> None:
    """Write ``data`` as jinja's ``tojson`` filter would (sorted keys; < > & ' escaped for a
    <script> element), each ``PerComment`` in it a block of items at a time."""
    from jinja2.utils import htmlsafe_json_dumps

    token, long_lists = secrets.token_hex(8), []

    def mark(value):
        if not isinstance(value, PerComment):
            raise TypeError(f"{type(value).__name__} is not JSON serializable")
        long_lists.append(value)
        return f"\x00{token}:{len(long_lists) - 1}"

    text = str(htmlsafe_json_dumps(data, dumps=functools.partial(json.dumps, default=mark), sort_keys=True))
    # numbers only inside the long lists, so nothing there needs the escaping
    parts = re.split(r'"\\u0000' + token + r':(\d+)"', text)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            handle.write(part)
            continue
        handle.write("[")
        for k, items in enumerate(long_lists[int(part)].blocks(block)):
            handle.write(", " + items if k else items)
        handle.write("]")
