"""The report's data, built from the tables a run saved (so `themes report DIR` and
`themes analyze` render the same page). Per-comment data is columnar and coded with small
integers, read a chunk of comments.csv at a time into arrays (``PerComment``) that the page's
JSON is written from; quotes are sampled per theme."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis import scales as metrics
from ..analysis.flags import FLAGS
from ..errors import ThemesError
from .page_json import PerComment

# rows of comments.csv read at once: their cells are Python strings while read; fewer rows lowered
# the page's peak memory, more did not make it faster (benchmarks/scale.py)
CHUNK_ROWS = 20_000


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    """A saved table as strings, or None when it is absent."""
    path = folder / name
    return pd.read_csv(path, keep_default_na=False, dtype=str) if path.exists() else None


# what the page reads of each comment; the texts only for the quotes, in a second pass
COMMENT_FIELDS = {"score", "period", "language", "primary_theme", "themes", "subthemes", "sentiment", "date"}


def _chunks(path: Path, columns: set[str]) -> pd.io.parsers.TextFileReader:
    return pd.read_csv(path, keep_default_na=False, dtype=str, usecols=lambda c: c in columns, chunksize=CHUNK_ROWS)


def _texts_of(path: Path, rows: list[int]) -> list[str]:
    """The texts of ``rows`` (sorted positions) of a comments.csv, read a chunk of rows at a time."""
    wanted, texts, start = np.asarray(rows, np.int64), [], 0
    for chunk in _chunks(path, {"text"}):
        inside = wanted[(wanted >= start) & (wanted < start + len(chunk))] - start
        texts.extend(chunk["text"].iloc[inside].tolist())
        start += len(chunk)
    return texts


class _Codes:
    """A low-cardinality column coded as it is read, a chunk at a time: values numbered as first
    seen, then renumbered in sorted order, "" as -1 (the page lists the values sorted)."""

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, values: pd.Series) -> None:
        codes, uniques = pd.factorize(values)
        ids = np.array([self.seen.setdefault(v, len(self.seen)) for v in uniques], np.int32)
        self.parts.append(ids[codes] if len(ids) else np.empty(0, np.int32))

    def finish(self) -> tuple[np.ndarray, list[str]]:
        values = sorted(set(self.seen) - {""})
        order = {v: i for i, v in enumerate(values)}
        renumber = np.array([order.get(v, -1) for v in self.seen] or [-1], np.int32)
        return renumber[np.concatenate(self.parts)], values


def _num(value, digits: int = 2):
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(x) else round(x, digits)


class _Comments:
    """What the page needs of every comment, read from comments.csv a chunk at a time."""

    def __init__(self, path: Path, theme_ids: list[str], segment_columns: list[str]):
        index = {t: i for i, t in enumerate(theme_ids)}
        codes = {c: _Codes() for c in ("period", "language", *segment_columns)}
        scores, sentiment, primary, offsets, items = [], [], [], [np.zeros(1, np.int64)], []
        self.n, dates = 0, []
        for chunk in _chunks(path, COMMENT_FIELDS | set(segment_columns)):
            self.n += len(chunk)
            for column, coded in codes.items():
                if column in chunk:
                    coded.add(chunk[column])
            scores.append(pd.to_numeric(chunk["score"], errors="coerce").to_numpy(float))
            sentiment.append(np.array([_num(s) for s in chunk["sentiment"]], float))
            primary.append(np.array([index.get(t, -1) for t in chunk["primary_theme"]], np.int32))
            # top-level themes and sub-themes, so filtered figures are recomputed for both
            subthemes = chunk["subthemes"] if "subthemes" in chunk else pd.Series("", chunk.index)
            lists = [[index[x] for x in f"{ts};{subs}".split(";") if x in index]
                     for ts, subs in zip(chunk["themes"], subthemes)]
            offsets.append(offsets[-1][-1] + np.cumsum([len(x) for x in lists], dtype=np.int64))
            items.append(np.fromiter((i for x in lists for i in x), np.int32))
            if "date" in chunk:
                parsed = pd.to_datetime(chunk["date"], errors="coerce")
                dates += [parsed.min(), parsed.max()] if parsed.notna().any() else []
        # (a file of only a header still gives one, empty, chunk)
        self.scores, self.sentiment, self.primary = map(np.concatenate, (scores, sentiment, primary))
        self.offsets, self.items = np.concatenate(offsets), np.concatenate(items)
        self.codes = {column: coded.finish() for column, coded in codes.items() if coded.parts}
        self.first_date, self.last_date = (min(dates), max(dates)) if dates else (None, None)


def report_data(folder: Path, *, max_quotes: int = 3000, quotes_per_theme: int = 40, seed: int = 42) -> dict:
    """The page's data from an output folder; its per-comment lists are ``PerComment`` arrays, which
    ``page_json.write_htmlsafe_json`` writes into the page."""
    folder = Path(folder)
    summary_path = folder / "summary.json"
    themes, segment_rows = _read(folder, "themes.csv"), _read(folder, "segments.csv")
    segment_columns = list(dict.fromkeys(segment_rows["segment"])) if segment_rows is not None else []
    comments_path = folder / "comments.csv"
    if not comments_path.exists() or themes is None or not summary_path.exists():
        raise ThemesError(f"{folder}: not an output folder of `themes analyze` (needs comments.csv, "
                          "themes.csv, summary.json)")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    scale = metrics.get_scale((summary.get("scale") or {}).get("name", "nps"))
    theme_ids = themes["theme_id"].tolist()
    comments = _Comments(comments_path, theme_ids, segment_columns)
    none = (np.full(comments.n, -1, np.int32), [])
    period_codes, periods = comments.codes.get("period", none)
    lang_codes, langs = comments.codes.get("language", none)
    segments = {column: {"codes": PerComment.codes(codes), "values": names}
                for column, (codes, names) in comments.codes.items() if column in segment_columns}

    rng = np.random.default_rng(seed)
    quote_rows: list[int] = []
    if comments.n <= max_quotes:
        quote_rows = list(range(comments.n))
    else:  # a sample per theme (by primary theme), so every theme has quotes to read
        for j in range(len(theme_ids)):
            rows = np.flatnonzero(comments.primary == j)
            quote_rows.extend(rng.choice(rows, min(quotes_per_theme, len(rows)), replace=False).tolist())
        quote_rows = sorted(set(quote_rows))
    quotes = [{"c": int(i), "t": text[:600], "s": _num(comments.scores[i], 1),
               "l": langs[lang_codes[i]] if lang_codes[i] >= 0 else ""}
              for i, text in zip(quote_rows, _texts_of(comments_path, quote_rows))]

    change = summary.get("change")  # the decomposition of the latest change (stages/impact.py)
    over = {}
    if segment_rows is not None and "over_represented" in segment_rows:
        hits = segment_rows[segment_rows["over_represented"] == "True"]
        for row in hits.itertuples():
            over.setdefault(row.theme_id, []).append(f"{row.segment}: {row.value} (×{row.lift})")

    return {
        "scale": {"name": scale.name, "label": scale.label, "unit": scale.unit, "factor": scale.factor,
                  "low": scale.low, "high": scale.high, "average": scale.average,
                  "why": (summary.get("scale") or {}).get("why", "")},
        "summary": {
            "metric": summary.get("nps"), "counts": summary.get("counts"), "languages": summary.get("languages"),
            "first_date": comments.first_date.strftime("%Y-%m-%d") if comments.first_date is not None else None,
            "last_date": comments.last_date.strftime("%Y-%m-%d") if comments.last_date is not None else None,
            "change": change, "impact_basis": (summary.get("impact") or {}).get("basis"),
            "source": ", ".join(summary.get("inputs", {})),
        },
        "themes": [{
            "id": t["theme_id"], "parent": t["parent_id"], "label": t["label"], "keywords": t["keywords"],
            "kw_by_lang": t.get("keywords_by_language", ""), "share": _num(t["share"], 4),
            "sentiment": _num(t["sentiment"], 3), "impact": _num(t["impact"]), "low": _num(t["impact_low"]),
            "high": _num(t["impact_high"]), "rank": int(float(t["rank"])), "priority": t.get("priority", ""),
            "emerging": t.get("emerging") == "True", "n": int(float(t["n_comments"])),
            "over": over.get(t["theme_id"], []),
            # emotion/effort flags: share of the theme's mentions (all responses; absent in older outputs)
            "flags": {f: _num(t[f"{f}_share"], 3) for f in FLAGS if pd.notna(t.get(f"{f}_share"))},
        } for t in themes.to_dict("records")],
        "comments": {
            "themes": PerComment.lists(comments.offsets, comments.items),
            "value": PerComment.numbers(scale.values(comments.scores)),
            "sent": PerComment.numbers(comments.sentiment),
            "period": PerComment.codes(period_codes), "lang": PerComment.codes(lang_codes),
        },
        "periods": periods, "langs": langs, "segments": segments, "quotes": quotes,
    }
