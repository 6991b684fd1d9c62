"""Readers: every supported format, detected encodings and delimiters, clear refusals."""

import json

import pandas as pd
import pytest

from themes.errors import ThemesError
from themes.io.columns import parse_dates, parse_score, resolve_roles
from themes.io.read import ROW, read_table

ROWS = [{"id": "1", "comment": "Доставка опоздала", "nps": "3"},
        {"id": "2", "comment": "Piegāde kavējās, ļoti slikti", "nps": "4"},
        {"id": "3", "comment": "Great staff; quick checkout", "nps": "10"}]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx", ".json", ".jsonl", ".parquet"])
def test_every_format_reads_the_same_table(tmp_path, suffix):
    frame = pd.DataFrame(ROWS)
    path = tmp_path / f"export{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False)
    elif suffix == ".json":
        path.write_text(json.dumps(ROWS, ensure_ascii=False), encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    else:
        frame.to_parquet(path)
    table = read_table(path)
    assert table.frame["comment"].tolist() == [r["comment"] for r in ROWS]
    assert table.frame[ROW].tolist() == [1, 2, 3]


@pytest.mark.parametrize("encoding, text", [
    ("utf-8-sig", "Доставка опоздала"), ("cp1251", "Доставка опоздала"), ("cp1257", "Piegāde kavējās ļoti"),
    ("utf-16", "Piegāde kavējās ļoti"), ("utf-8", "Ļoti labi 👍"),
])
def test_encodings_are_detected(tmp_path, encoding, text):
    path = tmp_path / "export.csv"
    rows = [f"{i},{text} номер {i}" if encoding == "cp1251" else f"{i},{text} {i}" for i in range(20)]
    path.write_bytes(("id,comment\n" + "\n".join(rows) + "\n").encode(encoding))
    table = read_table(path)
    assert table.frame["comment"].iloc[3].startswith(text)


def test_a_large_file_is_read_from_disk_as_decoding_it_whole_would(tmp_path, monkeypatch):
    """A Unicode export is parsed straight from the file, judged on its first HEAD_BYTES (tiny
    here, so characters are cut at the boundary and the check runs over many blocks); a byte
    that is not UTF-8 after that head still sends the file to the careful decoder."""
    from themes.io import read

    monkeypatch.setattr(read, "HEAD_BYTES", 7)
    lines = ["id,comment,nps"] + [f'{i},"{r["comment"]}, {i}",{r["nps"]}' for i in range(40) for r in ROWS[:2]]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read.read_table(path)
    assert table.encoding == "utf-8" and len(table.frame) == 80
    assert table.frame["comment"].tolist() == [f'{r["comment"]}, {i}' for i in range(40) for r in ROWS[:2]]
    # one cp1251 line far past the head: decoded as such, the UTF-8 lines kept as they are
    path.write_bytes(path.read_bytes() + "99,Плохо,2\n".encode("cp1251"))
    mixed = read.read_table(path)
    assert mixed.encoding.startswith("mixed") and mixed.frame["comment"].iloc[-1] == "Плохо"
    assert mixed.frame["comment"].iloc[0] == table.frame["comment"].iloc[0]
    blank = tmp_path / "blank.csv"
    blank.write_text(" \n" * 50, encoding="utf-8")
    with pytest.raises(ThemesError, match="empty"):
        read.read_table(blank)


def test_semicolon_delimiter_and_quoted_newlines(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('id;comment;nps\n1;"line one\nline two; still the comment";9\n2;plain;3\n', encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.frame["comment"].tolist() == ["line one\nline two; still the comment", "plain"]


def test_rows_with_too_many_fields_become_rejects(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,comment\n1,fine\n2,broken,extra,fields\n3,also fine\n", encoding="utf-8")
    table = read_table(path)
    assert table.frame["comment"].tolist() == ["fine", "also fine"]
    assert table.frame[ROW].tolist() == [1, 3]  # original numbers, not renumbered
    assert table.rejects == [{"row": 2, "reason": "4 fields where the header has 2", "raw": "2,broken,extra,fields"}]


def test_a_wide_first_row_is_rejected_not_truncated(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("comment,nps\nslow,delivery,3\nfine,9\nshort\n", encoding="utf-8")
    table = read_table(path)
    assert table.frame[["comment", "nps"]].values.tolist() == [["fine", "9"], ["short", ""]]
    assert [r["row"] for r in table.rejects] == [1]


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b"id,comment\n", "no data rows"), (b"\x00\x01\x02\xff" * 100, "binary"),
])
def test_unusable_files_are_refused_with_the_file_name(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ThemesError, match=message) as err:
        read_table(path)
    assert "bad.csv" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ThemesError, match="no such file"):
        read_table(tmp_path / "nope.csv")


@pytest.mark.parametrize("columns, expected", [
    (["ID", "Comment", "NPS", "Date"], {"text": ["Comment"], "score": "NPS", "date": "Date", "id": "ID"}),
    (["Комментарий", "Оценка", "Дата"], {"text": ["Комментарий"], "score": "Оценка", "date": "Дата"}),
    (["Komentārs", "Vērtējums", "Datums", "Kanāls"], {"text": ["Komentārs"], "score": "Vērtējums",
                                                      "date": "Datums", "segments": ["Kanāls"]}),
])
def test_column_roles_are_guessed_in_three_languages(columns, expected):
    roles = resolve_roles(columns, "x.csv")
    for role, value in expected.items():
        assert getattr(roles, role) == value
    assert "text" in roles.guessed


def test_no_text_column_is_a_clear_error():
    with pytest.raises(ThemesError, match="no text column found"):
        resolve_roles(["a", "b"], "x.csv")
    with pytest.raises(ThemesError, match="no column 'body'"):
        resolve_roles(["a", "b"], "x.csv", text=["body"])


@pytest.mark.parametrize("raw, value", [("9", 9.0), ("9,5", 9.5), ("10 - extremely likely", 10.0),
                                        ("N/A", None), ("nine", 9.0), ("Девять", 9.0), ("deviņi", 9.0),
                                        ("lots", None), (" 7 ", 7.0)])
def test_score_parsing(raw, value):
    assert parse_score(raw) == value


def test_dates_in_several_formats():
    parsed = parse_dates(pd.Series(["2024-03-01", "01.03.2024", "3/1/24", "45352", "", "soon"]))
    assert [d.strftime("%Y-%m-%d") if not pd.isna(d) else None for d in parsed] == [
        "2024-03-01", "2024-03-01", "2024-03-01", "2024-03-01", None, None]


@pytest.mark.model
def test_a_library_call_leaves_the_process_as_it_found_it(tmp_path):
    """analyze() restores what it changes process-wide: the csv module's field limit, the
    environment, torch's thread count, pyarrow's memory pool (the CLI sets what it wants once)."""
    import csv
    import os

    import pyarrow as pa
    import sentence_transformers  # noqa: F401  (its import sets variables of its own: not ours to restore)
    import torch

    import themes

    before = (csv.field_size_limit(), dict(os.environ), torch.get_num_threads(), pa.default_memory_pool().backend_name)
    import uuid

    # texts no cache holds, so the model really embeds
    path = tmp_path / "new.csv"
    pd.DataFrame({"comment": [f"The courier lost order {uuid.uuid4().hex[:8]} again" for _ in range(30)]}).to_csv(
        path, index=False)
    torch.set_num_threads(1)
    result = themes.analyze(path)
    assert result.summary["embedding"]["computed"] > 0
    after = (csv.field_size_limit(), dict(os.environ), torch.get_num_threads(), pa.default_memory_pool().backend_name)
    torch.set_num_threads(before[2])
    assert after == (before[0], before[1], 1, before[3])
