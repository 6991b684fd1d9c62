"""Stage 1, read and validate: exports -> one comment table plus the rows we could not use.

Output columns: id, source, row, text_column, text, score, nps_group, date, the segment
columns, lang_hint. Every input row ends up either in the table or in the rejects (with
the reason), and ``read == kept + rejected`` is checked here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis import scales as metrics
from ..errors import ThemesError
from .columns import ColumnRoles, parse_dates, parse_score, resolve_roles
from .read import ROW, RawTable, expand_folders, read_table

log = logging.getLogger(__name__)  # notes for the person running it; the CLI shows them


@dataclass
class LoadedInput:
    comments: pd.DataFrame
    rejects: pd.DataFrame
    roles: dict[str, ColumnRoles]  # per source
    n_read: int
    notes: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    has_scores: bool = False
    has_dates: bool = False
    scale: metrics.Scale = metrics.NPS
    scale_reason: str = ""


REJECT_COLUMNS = ["source", "row", "reason", "raw"]


def _one_table(table: RawTable, source: str, roles: ColumnRoles) -> tuple[pd.DataFrame, list[dict], int]:
    frame = table.frame
    rejects = [dict(r, source=source) for r in table.rejects]
    n_read = len(frame) + len(table.rejects)
    parts = []
    for column in roles.text:
        part = pd.DataFrame({
            "source": source,
            "row": frame[ROW].to_numpy(),
            "text_column": column if len(roles.text) > 1 else "",
            "text": frame[column].astype(str).to_numpy(),
        })
        if roles.id:
            base = frame[roles.id].astype(str).str.strip()
            base = base.where(base != "", source + ":" + frame[ROW].astype(str))
        else:
            base = source + ":" + frame[ROW].astype(str)
        part["id"] = (base + (":" + column if len(roles.text) > 1 else "")).to_numpy()
        part["score_raw"] = frame[roles.score].astype(str).to_numpy() if roles.score else ""
        part["date_raw"] = frame[roles.date].astype(str).to_numpy() if roles.date else ""
        part["lang_hint"] = frame[roles.language].astype(str).str.strip().str.lower().to_numpy() \
            if roles.language else ""
        for seg in roles.segments:
            part[seg] = frame[seg].astype(str).str.strip().to_numpy()
        if roles.gold:
            part["gold"] = frame[roles.gold].astype(str).str.strip().to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True), rejects, n_read


def load_inputs(paths: list[str | Path] | pd.DataFrame, *, text: list[str] | None = None,
                score: str | None = None, date: str | None = None, id: str | None = None,
                language: str | None = None, segments: list[str] | None = None,
                scale: str | None = None, gold: str | None = None,
                read_many: Callable[[list[Path]], list[RawTable]] | None = None) -> LoadedInput:
    """Read every export (or take a DataFrame), map columns per source, validate rows.
    A folder stands for the export files in it. ``read_many`` reads a list of files (the dask
    engine reads them on its workers); by default they are read here, one after another."""
    if isinstance(paths, pd.DataFrame):
        frame = paths.copy().astype(object)
        frame = frame.where(frame.notna(), "").astype(str)
        frame.insert(0, ROW, range(1, len(frame) + 1))
        tables = [(RawTable(Path("dataframe"), frame), "dataframe")]
    else:
        if not paths:
            raise ThemesError("no input file given")
        files = expand_folders(paths)
        # one source per file; files of the same name in different folders keep their folder
        seen = Counter(p.name for p in files)
        names = [str(p) if seen[p.name] > 1 else p.name for p in files]
        tables = list(zip(read_many(files) if read_many else [read_table(p) for p in files], names))
    pieces, rejects, roles_by_source, n_read = [], [], {}, 0
    # `source` (the file a row came from) is made here, so it can be a segment without being a column
    want_source = bool(segments) and "source" in segments
    file_segments = [s for s in segments if s != "source"] if segments else segments
    if want_source and not file_segments:
        file_segments = None
    for table, source in tables:
        roles = resolve_roles(list(table.frame.columns), source, text=text, score=score, date=date,
                              id=id, language=language, segments=file_segments, gold=gold)
        roles_by_source[source] = roles
        if roles.guessed:
            log.info(f"{source}: columns {roles.describe()} (guessed: {', '.join(sorted(roles.guessed))})")
        part, part_rejects, part_read = _one_table(table, source, roles)
        pieces.append(part)
        rejects.extend(part_rejects)
        n_read += part_read + (len(part) - len(table.frame))  # extra text columns add comments
    tables.clear()  # the files as read are let go before validation makes its own columns
    table = None
    comments = pd.concat(pieces, ignore_index=True)
    segment_columns = list(dict.fromkeys(s for r in roles_by_source.values() for s in r.segments))
    if want_source:
        segment_columns.append("source")
    for seg in segment_columns + (["gold"] if gold else []):
        if seg != "source":
            comments[seg] = comments[seg].fillna("") if seg in comments else ""
    score_columns = list(dict.fromkeys(r.score for r in roles_by_source.values() if r.score))
    comments, row_rejects, notes, chosen, reason = _validate(comments, scale, score_columns)
    rejects.extend(row_rejects)
    reject_frame = pd.DataFrame(rejects, columns=REJECT_COLUMNS)
    if len(comments) + len(reject_frame) != n_read:  # the pipeline's own bookkeeping check
        raise AssertionError(f"row accounting broke: read {n_read}, kept {len(comments)}, "
                             f"rejected {len(reject_frame)}")
    has_scores = comments["score"].notna().any()
    has_dates = comments["date"].notna().any()
    return LoadedInput(comments, reject_frame, roles_by_source, n_read, notes, segment_columns,
                       bool(has_scores), bool(has_dates), chosen, reason)


def _has_content(text: str) -> bool:
    import unicodedata

    return any(ch.isalnum() or unicodedata.category(ch).startswith("S") for ch in text)


def _duplicates(comments: pd.DataFrame) -> tuple[pd.Series, int]:
    """A row repeating an earlier row (same id, text, score and date) is a duplicate: rejected.
    Rows sharing an id with different content are kept, their ids made unique (id#2, ...)."""
    reason = pd.Series(None, index=comments.index, dtype=object)
    # compared column by column (pandas factorises each): joining the four into one string per
    # row was far slower and larger (benchmarks/load_export.py)
    content = comments[["id", "text", "score_raw", "date_raw"]].astype(str)
    repeated = content.duplicated(keep="first")
    if repeated.any():
        first_row = comments["row"].groupby([content[c] for c in content], sort=False).transform("first")
        reason[repeated] = "duplicate of row " + first_row[repeated].astype(str) + " (same id and content)"
    kept = ~repeated
    ids = comments.loc[kept, "id"]
    occurrence = ids.groupby(ids).cumcount()
    clash = occurrence > 0
    comments.loc[clash[clash].index, "id"] = ids[clash] + "#" + (occurrence[clash] + 1).astype(str)
    return reason, int(clash.sum())


def _validate(comments: pd.DataFrame, scale_name: str | None, score_columns: list[str]):
    rejects: list[dict] = []
    notes: list[str] = []
    reason = pd.Series("", index=comments.index, dtype=object)

    text = comments["text"].astype(str)
    blank = text.str.strip().isin(["", "nan", "None", "NULL", "null"])
    reason[blank] = "empty comment"
    # no letter, digit or emoji/symbol at all: "-", "...", "???" are non-answers
    wordless = ~blank & ~text.map(_has_content)
    reason[wordless] = "no words (punctuation only)"
    duplicate, renamed = _duplicates(comments)
    reason[duplicate.notna() & (reason == "")] = duplicate.dropna()
    if renamed:
        notes.append(f"{renamed} id(s) occur more than once with different content: made unique as id#2, id#3...")

    raw = comments["score_raw"].astype(str).str.strip()
    given = ~raw.str.lower().isin(["", "nan", "n/a", "na", "-", "none", "null"])
    parsed = raw.map(parse_score)
    bad = given & parsed.isna()
    reason[bad & (reason == "")] = "score '" + raw[bad & (reason == "")] + "' is not a number"
    # the scale: as given, or detected from the header and the scores that fit any scale (0-100)
    plausible = parsed[given & parsed.notna() & parsed.between(0, 100)]
    if scale_name and scale_name != "auto":
        scale = metrics.get_scale(scale_name)
        why = f"{scale.label} (as given)"
    else:
        scale, why = metrics.detect_scale(plausible, score_columns)
    outside = given & parsed.notna() & ((parsed < scale.low) | (parsed > scale.high))
    reason[outside & (reason == "")] = ("score '" + raw[outside & (reason == "")]
                                        + f"' is outside {scale.low:g}-{scale.high:g} ({scale.label})")

    dates = parse_dates(comments["date_raw"])
    undated = dates.isna() & (comments["date_raw"].astype(str).str.strip() != "")
    if undated.any():
        notes.append(f"{int(undated.sum())} date(s) could not be read; those comments are kept "
                     "without a date")

    long_texts = int((text.str.len() > 5000).sum())
    if long_texts:
        notes.append(f"{long_texts} comment(s) longer than 5,000 characters: analysed on their first 5,000, "
                      "kept whole in the outputs")
    bad_rows = reason != ""
    for idx in np.flatnonzero(bad_rows.to_numpy()):
        row = comments.iloc[idx]
        rejects.append({"source": row["source"], "row": int(row["row"]), "reason": reason.iloc[idx],
                        "raw": str(row["text"])[:1000]})
    kept = comments[~bad_rows].copy()
    kept["score"] = parsed[~bad_rows].where(given[~bad_rows]).astype(float)
    kept["nps_group"] = scale.groups_of(kept["score"])
    kept["date"] = dates[~bad_rows]
    kept = kept.drop(columns=["score_raw", "date_raw"]).reset_index(drop=True)
    return kept, rejects, notes, scale, why
