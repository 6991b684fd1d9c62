"""The report page's data written a block at a time equals what jinja's `tojson` writes whole."""

import io
import json
import math

import numpy as np
from jinja2 import Environment

from themes.report.page_json import PerComment, write_htmlsafe_json


def _plain(value):
    """The data with each PerComment as the list it stands for."""
    if isinstance(value, PerComment):
        return [item for block in value.blocks(10**9) if block for item in _parse(block)]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _parse(block: str) -> list:
    return json.loads(f"[{block}]")


def test_streamed_per_comment_lists_are_what_tojson_writes():
    rng = np.random.default_rng(0)
    n = 23
    offsets = np.concatenate([[0], np.cumsum(rng.integers(0, 4, n))])
    items = rng.integers(0, 12, offsets[-1]).astype(np.int32)
    values = rng.uniform(-1, 1, n).round(2)
    values[[2, 9]] = np.nan
    data = {
        "zeta": "quote <script>alert('x')</script> & «ёжик» ā",
        "comments": {"themes": PerComment.lists(offsets, items), "value": PerComment.numbers(values),
                     "lang": PerComment.codes(rng.integers(-1, 3, n).astype(np.int32)),
                     "none": PerComment.codes(np.empty(0, np.int32))},
        "segments": {"channel": {"codes": PerComment.codes(np.arange(n) % 3), "values": ["a", "b", "c"]}},
        "quotes": [{"t": "it's <b>bold</b>", "s": None, "c": 1.5}],
    }
    plain = _plain(data)
    assert plain["comments"]["themes"][0] == items[offsets[0]:offsets[1]].tolist()
    assert math.isnan(values[2]) and plain["comments"]["value"][2] is None
    expected = Environment(autoescape=True).from_string("{{ d | tojson }}").render(d=plain)
    for block in (1, 3, 7, 23, 100):
        written = io.StringIO()
        write_htmlsafe_json(data, written, block=block)
        assert written.getvalue() == expected, block
    assert "\\u003cscript\\u003e" in expected and "<script>" not in expected
