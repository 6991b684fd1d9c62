"""Read one export (CSV/TSV, XLSX, JSON/JSONL, Parquet) into a table of strings.

Encoding and delimiter are detected; rows the parser cannot split are not dropped but
returned as rejects with their line number and the reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ThemesError

# the column each reader adds: the row's 1-based number in its file (a name no export uses: an
# export's own "_row" column once clashed with it)
ROW = "__themes_row__"



@contextmanager
def _long_fields():
    """The csv module reading fields of any length (a comment can be megabytes long; its default
    limit is 128 KB), and the caller's limit back afterwards: the limit is process-wide."""
    before = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(before)


TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
# legacy encodings of the languages we serve, tried when a file is not UTF-8/16
LEGACY_ENCODINGS = ("cp1251", "cp1257", "cp1252", "koi8_r", "iso8859_13", "latin_1")


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame  # every cell a string; column ROW: the 1-based data row number
    encoding: str = ""
    delimiter: str = ""
    rejects: list[dict] = field(default_factory=list)  # {"row", "reason", "raw"}


def detect_encoding(data: bytes, path: Path) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-16 without a BOM: every other byte of ASCII-heavy text is NUL
    sample = data[:4000]
    if sample and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if sample and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    # judge the legacy encoding on the lines that are not UTF-8 (a merged export can hold both)
    legacy = b"\n".join(line for line in data[:400_000].split(b"\n") if not _is_utf8(line))
    decoded = {}
    for candidate in LEGACY_ENCODINGS:
        try:
            decoded[candidate] = legacy[:200_000].decode(candidate)
        except UnicodeDecodeError:
            continue
    scores = {enc: _plausibility(text) for enc, text in decoded.items()}
    best = max(scores, key=scores.get, default=None)  # ties: the earlier encoding in the list
    if best is not None and scores[best] >= 0.5:
        return best
    from charset_normalizer import from_bytes

    match = from_bytes(data[:200_000]).best()
    if match is None:
        raise ThemesError(f"{path}: cannot tell the text encoding (not UTF-8, UTF-16, cp1251 or cp1257)")
    return match.encoding


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"^[\u0400-\u04ff]+$")
_BALTIC_LATIN = re.compile(r"^[a-zA-ZāčēģīķļņōŗšūžĀČĒĢĪĶĻŅŌŖŠŪŽąęėįųĄĘĖĮŲõäöüÕÄÖÜ]+$")


def _plausibility(text: str) -> float:
    """Share of non-ASCII words that come out as whole Cyrillic or Baltic-Latin words.
    A wrong legacy decoding mixes scripts inside words ("Piegвde") or yields letters no
    en/ru/lv/lt/et word has ("Äîñòàâêà")."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0
    good = sum(1 for w in words if _CYRILLIC.match(w) or _BALTIC_LATIN.match(w))
    return good / len(words)


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    """Decode; a legacy-encoded file whose lines are partly UTF-8 (exports merged from two
    systems) is decoded line by line, so neither half turns into mojibake."""
    if encoding.startswith("utf"):
        return data.decode(encoding, errors="replace"), encoding
    lines = data.split(b"\n")
    utf8 = sum(1 for line in lines if _is_utf8(line) and any(b > 127 for b in line))
    if not utf8:
        return data.decode(encoding, errors="replace"), encoding
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode(encoding, errors="replace"))
    return "\n".join(out), f"mixed (utf-8 and {encoding})"


def _looks_binary(data: bytes) -> bool:
    head = data[:4000]
    if b"\x00" not in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    # UTF-16 without a BOM has NULs in every other byte of ASCII-heavy text; binary does not
    return not (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4) or \
        head.count(0) > len(head) * 0.9


def sniff_delimiter(text: str, suffix: str) -> str:
    if suffix in {".tsv", ".tab"}:
        return "\t"
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        # one column, or a sample the sniffer cannot decide on: count candidates in the header
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


HEAD_BYTES = 1 << 20  # what the binary check, the delimiter and the header are judged on


def _unicode_encoding(path: Path, head: bytes) -> str | None:
    """UTF-8 (checked a block at a time, never the whole file in memory) or UTF-8/16 with a
    BOM; None for anything else (a code page, UTF-16 without a BOM, lines of two encodings)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(HEAD_BYTES), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _has_text(path: Path, encoding: str) -> bool:
    with path.open(encoding=encoding, errors="replace") as stream:
        return any(block.strip() for block in iter(lambda: stream.read(HEAD_BYTES), ""))


def _read_delimited(path: Path) -> RawTable:
    """A Unicode file is parsed by pandas straight from disk (decoding the whole file first and
    parsing that string took several times the memory: benchmarks/load_export.py); other encodings are
    decoded whole, line by line where the file mixes two (``_read_decoded``)."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if _looks_binary(head):
        raise ThemesError(f"{path}: looks like a binary file, not a text export")
    encoding = _unicode_encoding(path, head)
    if encoding is None:
        return _read_decoded(path, path.read_bytes())
    sample = head.decode(encoding, errors="ignore")  # a character cut at the end of the head is left out
    if not sample.strip() and not _has_text(path, encoding):
        raise ThemesError(f"{path}: the file is empty")
    delimiter = _layout(path, sample)
    try:
        frame = _parse(path, delimiter, encoding=encoding, encoding_errors="replace")
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        frame, rejects = _ragged_rows(path.read_bytes().decode(encoding, errors="replace"), delimiter)
        return RawTable(path, frame, encoding=encoding, delimiter=delimiter, rejects=rejects)
    except pd.errors.EmptyDataError:
        raise ThemesError(f"{path}: the file is empty") from None
    return RawTable(path, frame, encoding=encoding, delimiter=delimiter)


def _layout(path: Path, text: str) -> str:
    """The delimiter of a file that starts with ``text``, whose header must not name a column twice."""
    delimiter = sniff_delimiter(text, path.suffix.lower())
    with _long_fields():
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter), [])
    _no_duplicate_columns([h.strip() for h in header], path)
    return delimiter


def _parse(source, delimiter: str, **encoding) -> pd.DataFrame:
    with warnings.catch_warnings():
        # a first row wider than the header: pandas would truncate it ("loss of data") or
        # silently turn the first column into an index; both go to the careful reader
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(source, sep=delimiter, dtype=str, keep_default_na=False, quotechar='"',
                           skip_blank_lines=True, index_col=False, **encoding)


def _read_decoded(path: Path, data: bytes) -> RawTable:
    encoding = detect_encoding(data, path)
    text, encoding = _decode(data, encoding)
    if not text.strip():
        raise ThemesError(f"{path}: the file is empty")
    delimiter = _layout(path, text)
    rejects: list[dict] = []
    try:
        frame = _parse(io.StringIO(text), delimiter)
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        # some rows have the wrong number of fields: pandas would drop or truncate them
        frame, rejects = _ragged_rows(text, delimiter)
    except pd.errors.EmptyDataError:
        raise ThemesError(f"{path}: the file is empty") from None
    return RawTable(path, frame, encoding=encoding, delimiter=delimiter, rejects=rejects)


def _ragged_rows(text: str, delimiter: str) -> tuple[pd.DataFrame, list[dict]]:
    """Rows with too few fields are padded (trailing empty cells are common in exports);
    rows with too many are rejected with their data row number, not cut or dropped."""
    kept, numbers, rejects = [], [], []
    with _long_fields():
        records = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
        header = [h.strip() for h in next(records, [])]
        number = 0
        for fields in records:
            if not fields or not any(f.strip() for f in fields):
                continue  # a blank line, as pandas skips them too
            number += 1
            if len(fields) > len(header):
                rejects.append({"row": number, "reason": f"{len(fields)} fields where the header has {len(header)}",
                                "raw": delimiter.join(fields)[:1000]})
                continue
            kept.append(fields + [""] * (len(header) - len(fields)))
            numbers.append(number)
    frame = pd.DataFrame(kept, columns=header, dtype=str)
    frame.insert(0, ROW, numbers)
    return frame, rejects


def _read_json(path: Path) -> RawTable:
    data = path.read_bytes()
    text = data.decode(detect_encoding(data, path))
    stripped = text.lstrip()
    if not stripped:
        raise ThemesError(f"{path}: the file is empty")
    rejects: list[dict] = []
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ThemesError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    else:  # JSON Lines: one record per line; a broken line is a reject, not the end of the run
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                rejects.append({"row": number, "reason": f"not valid JSON ({exc.msg})", "raw": line[:1000]})
    if isinstance(records, dict):
        records = next((v for v in records.values() if isinstance(v, list)), [records])
    good = [r for r in records if isinstance(r, dict)]
    if len(good) != len(records):
        raise ThemesError(f"{path}: expected a list of objects (one per comment)")
    frame = pd.DataFrame.from_records(good).astype(object)
    frame = frame.where(frame.notna(), "").astype(str)
    return RawTable(path, frame, encoding="utf-8", rejects=rejects)


def _no_duplicate_columns(names: list[str], path: Path) -> None:
    seen, twice = set(), []
    for name in names:
        if name and name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    if twice:
        raise ThemesError(f"{path}: column named twice: {', '.join(twice)} (rename one and run again)")


def expand_folders(paths: list[str | Path]) -> list[Path]:
    """Paths with each folder replaced by the export files in it (sorted; a partitioned Parquet
    or CSV dataset is such a folder, one source per file)."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_"))
                           and p.suffix.lower() in TEXT_SUFFIXES | EXCEL_SUFFIXES | JSON_SUFFIXES | PARQUET_SUFFIXES)
            if not files:
                raise ThemesError(f"{path}: a folder with no export files (csv, tsv, xlsx, json, jsonl, parquet)")
            out.extend(files)
        else:
            out.append(path)
    return out


def read_table(path: str | Path, max_rows: int | None = None) -> RawTable:
    """Read ``path`` into a RawTable; a ThemesError names the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise ThemesError(f"{path}: no such file")
    if path.is_dir():
        raise ThemesError(f"{path}: is a folder, expected an export file")
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            header = pd.read_excel(path, header=None, nrows=1, dtype=str).iloc[0].fillna("").tolist() \
                if path.stat().st_size else []
            _no_duplicate_columns([str(h).strip() for h in header], path)
            # a small spreadsheet file can hold a huge number of rows: with max_rows, reading stops
            # one row past it (the caller tells "too many" by the length)
            table = RawTable(path, pd.read_excel(path, dtype=str, keep_default_na=False,
                                                 nrows=None if max_rows is None else max_rows + 1))
        elif suffix in JSON_SUFFIXES:
            table = _read_json(path)
        elif suffix in PARQUET_SUFFIXES:
            frame = pd.read_parquet(path).astype(object)
            table = RawTable(path, frame.where(frame.notna(), "").astype(str))
        else:
            table = _read_delimited(path)
    except ThemesError:
        raise
    except Exception as exc:  # a reader library's own error: say which file, keep it one line
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ThemesError(f"{path}: cannot read it as {suffix or 'CSV'} ({message})") from None
    frame = table.frame
    if frame.columns.duplicated().any():
        dup = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise ThemesError(f"{path}: column named twice: {', '.join(dup)}")
    frame.columns = [str(c).strip() for c in frame.columns]
    if ROW not in frame.columns:  # readers that skipped rows number them themselves
        frame.insert(0, ROW, range(1, len(frame) + 1))
    if frame.empty and not table.rejects:
        raise ThemesError(f"{path}: has a header but no data rows")
    return table
