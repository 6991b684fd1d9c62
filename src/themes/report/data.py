"""The report's data, built from the tables a run saved (so `themes report DIR` and
`themes analyze` render the same page). Per-comment data is columnar and coded with small
integers so that 100k comments stay within a few MB; quotes are sampled per theme."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .. import metrics
from ..blocks import shared_values
from ..errors import ThemesError
from ..flags import FLAGS


def _read(folder: Path, name: str, columns: set[str] | None = None) -> pd.DataFrame | None:
    """A saved table as strings (only ``columns`` of it, when given), or None when it is absent."""
    path = folder / name
    if not path.exists():
        return None
    return pd.read_csv(path, keep_default_na=False, dtype=str, usecols=(lambda c: c in columns) if columns else None)


# what the page reads of each comment; the texts only for the quotes, in a second pass (read whole
# beside the run's own tables, comments.csv's every column was the peak of a million comments' run)
COMMENT_FIELDS = {"score", "period", "language", "primary_theme", "themes", "subthemes", "sentiment", "date"}


def _texts_of(path: Path, rows: list[int], chunk_rows: int = 100_000) -> list[str]:
    """The texts of ``rows`` (sorted positions) of a comments.csv, read a chunk of rows at a time."""
    wanted, texts, start = np.asarray(rows, np.int64), [], 0
    for chunk in pd.read_csv(path, keep_default_na=False, dtype=str, usecols=["text"], chunksize=chunk_rows):
        inside = wanted[(wanted >= start) & (wanted < start + len(chunk))] - start
        texts.extend(chunk["text"].iloc[inside].tolist())
        start += len(chunk)
    return texts


def _codes(series: pd.Series) -> tuple[list[int], list[str]]:
    values = sorted(set(series) - {""})
    index = {v: i for i, v in enumerate(values)}
    return [index.get(v, -1) for v in series], values


def _num(value, digits: int = 2):
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(x) else round(x, digits)


def report_data(folder: Path, *, max_quotes: int = 3000, quotes_per_theme: int = 40, seed: int = 42) -> dict:
    folder = Path(folder)
    summary_path = folder / "summary.json"
    themes, segment_rows = _read(folder, "themes.csv"), _read(folder, "segments.csv")
    segment_columns = list(dict.fromkeys(segment_rows["segment"])) if segment_rows is not None else []
    comments = _read(folder, "comments.csv", COMMENT_FIELDS | set(segment_columns))
    if comments is None or themes is None or not summary_path.exists():
        raise ThemesError(f"{folder}: not an output folder of `themes analyze` (needs comments.csv, "
                          "themes.csv, summary.json)")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    scale = metrics.get_scale((summary.get("scale") or {}).get("name", "nps"))
    theme_ids = themes["theme_id"].tolist()
    index = {t: i for i, t in enumerate(theme_ids)}
    scores = pd.to_numeric(comments["score"], errors="coerce")
    values = scale.values(scores.to_numpy())
    period_codes, periods = _codes(comments["period"]) if "period" in comments else ([-1] * len(comments), [])
    lang_codes, langs = _codes(comments["language"])
    segments = {}
    for column in segment_columns:
        if column in comments:
            codes, names = _codes(comments[column])
            segments[column] = {"codes": codes, "values": names}

    rng = np.random.default_rng(seed)
    quote_rows: list[int] = []
    if len(comments) <= max_quotes:
        quote_rows = list(range(len(comments)))
    else:  # a sample per theme (by primary theme), so every theme has quotes to read
        primary = shared_values(comments["primary_theme"])
        for theme in theme_ids:
            rows = np.flatnonzero(primary == theme)
            quote_rows.extend(rng.choice(rows, min(quotes_per_theme, len(rows)), replace=False).tolist())
        quote_rows = sorted(set(quote_rows))
    quotes = [{"c": int(i), "t": text[:600], "s": _num(scores.iat[i], 1), "l": comments["language"].iat[i]}
              for i, text in zip(quote_rows, _texts_of(folder / "comments.csv", quote_rows))]

    period_rows = _read(folder, "periods.csv")
    change = None
    if period_rows is not None:
        overall = period_rows[period_rows["theme_id"] == ""]
        if len(overall) >= 2:
            last, previous = overall.iloc[-1], overall.iloc[-2]
            change = {"period": last["period"], "previous": previous["period"],
                      "delta": _num(float(last["metric"]) - float(previous["metric"]))}
    over = {}
    if segment_rows is not None and "over_represented" in segment_rows:
        hits = segment_rows[segment_rows["over_represented"] == "True"]
        for row in hits.itertuples():
            over.setdefault(row.theme_id, []).append(f"{row.segment}: {row.value} (×{row.lift})")
    dates = pd.to_datetime(comments["date"], errors="coerce") if "date" in comments else pd.Series(dtype=float)

    return {
        "scale": {"name": scale.name, "unit": scale.unit, "factor": scale.factor},
        "summary": {
            "metric": summary.get("nps"), "counts": summary.get("counts"), "languages": summary.get("languages"),
            "first_date": dates.min().strftime("%Y-%m-%d") if dates.notna().any() else None,
            "last_date": dates.max().strftime("%Y-%m-%d") if dates.notna().any() else None,
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
            # top-level themes and sub-themes, so filtered figures are recomputed for both
            "themes": [[index[x] for x in f"{ts};{subs}".split(";") if x in index] for ts, subs in
                       zip(comments["themes"], comments.get("subthemes", pd.Series("", comments.index)))],
            "value": [None if np.isnan(v) else float(v) for v in values],
            "sent": [_num(s) for s in comments["sentiment"]],
            "period": period_codes, "lang": lang_codes,
        },
        "periods": periods, "langs": langs, "segments": segments, "quotes": quotes,
    }
