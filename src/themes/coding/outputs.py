"""What `themes code` writes beside the usual tables: ``coded.csv`` (per comment its codes, the
primary one with its confidence, and the evidence: each coded clause with its character span),
``codes.csv`` (per code of the codebook, used or not: counts, share, sentiment, impact), and the
codebook itself as YAML and REFI-QDA ``.qdc``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..analysis.theme_model import OTHER
from .codebook import Codebook


def _leaf(theme: pd.Series, sub: pd.Series) -> np.ndarray:
    sub = sub.fillna("").astype(str).to_numpy()
    return np.where(sub != "", sub, theme.astype(str).to_numpy())


def coded_table(comments: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per comment: ``codes`` (';'-joined, the primary first, then in clause order),
    ``primary_code``, ``confidence``, and ``evidence`` (JSON: code, span, start, end, confidence;
    start/end are character positions in the comment's text, -1 where cleaning changed the clause)."""
    primary = _leaf(comments["primary_theme"], comments["primary_subtheme"])
    mention_code = _leaf(mentions["theme_id"], mentions["subtheme_id"])
    position = pd.Series(np.arange(len(comments)), index=comments["id"].astype(str).to_numpy())
    evidence: list[list[dict]] = [[] for _ in range(len(comments))]
    texts = comments["text"].astype(str).to_numpy()
    after = np.zeros(len(comments), np.int64)  # clauses come in order: each is looked for after the last
    for row, code, span, confidence in zip(position.reindex(mentions["id"].astype(str)).to_numpy(), mention_code,
                                           mentions["span"].astype(str), mentions["similarity"]):
        if pd.isna(row):
            continue
        row = int(row)
        start = texts[row].find(span, after[row])
        if start >= 0:
            after[row] = start + len(span)
        if code == OTHER:
            continue
        evidence[row].append({"code": code, "span": span, "start": start,
                                   "end": start + len(span) if start >= 0 else -1,
                                   "confidence": round(float(confidence), 3)})
    codes = []
    for first, found in zip(primary, evidence):
        ordered = ([first] if first != OTHER else []) + [e["code"] for e in found]
        codes.append(";".join(dict.fromkeys(ordered)) or "uncoded")
    return pd.DataFrame({"id": comments["id"].to_numpy(), "codes": codes,
                         "primary_code": np.where(primary == OTHER, "uncoded", primary),
                         "confidence": comments["code_confidence"].round(3).to_numpy(),
                         "evidence": [json.dumps(e, ensure_ascii=False) for e in evidence]})


def codes_table(themes: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per code of the codebook in its order (a code nothing was coded with included), with
    the figures the theme table has for it (comments, share, sentiment, impact and its interval, rank)."""
    figures = themes.set_index("theme_id")
    keep = [c for c in ("n_comments", "share", "sentiment", "impact", "impact_low", "impact_high", "rank",
                        "priority", "keywords", "examples") if c in figures.columns]
    rows = []
    for code in codebook.codes:
        row = {"code": code.id, "name": code.name, "parent": code.parent, "description": code.description}
        found = figures.loc[code.id] if code.id in figures.index else None
        for column in keep:
            row[column] = found[column] if found is not None else (0 if column in ("n_comments", "share") else "")
        rows.append(row)
    return pd.DataFrame(rows)
