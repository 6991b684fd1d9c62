"""Property-based tests of the readers: whatever the cells hold, they come back as written."""

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from themes.errors import ThemesError
from themes.io.read import ROW, read_table

# any text a comment can hold, bar NUL and carriage returns (which spreadsheets rewrite anyway)
cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=40)
header = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4, unique=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header, st.data(), st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_csv_cells_round_trip(columns, data, delimiter, encoding):
    rows = data.draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=6))
    # a row whose cells are all blank is a blank line to every CSV reader: give it one letter
    rows = [r if any(c.strip() for c in r) else ["x", *r[1:]] for r in rows]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([columns, *rows])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        table = read_table(path)
    got = table.frame.drop(columns=ROW).values.tolist()
    assert got == rows


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([".csv", ".tsv", ".json", ".jsonl"]))
def test_arbitrary_bytes_are_read_or_refused_never_crash(content, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{suffix}"
        path.write_bytes(content)
        try:
            table = read_table(path)
        except ThemesError as exc:
            assert str(exc).startswith(str(path))
            return
        assert ROW in table.frame.columns
