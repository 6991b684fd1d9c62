"""Agreement between two codings of the same comments (a human coder and the machine, or two
human coders): per code prevalence, precision, recall, F1 and Cohen's kappa, and Krippendorff's
alpha over every (comment, code) decision, each with a percentile-bootstrap 95% interval over
comments; plus the confusion between codes where both coded a comment with one code.

Every comment in both codings is a unit; a code is present or absent in it (multi-label).
For two coders on a binary decision, with tp/fp/fn/tn counted over the units:
kappa = (p_o - p_e) / (1 - p_e); alpha = 1 - D_o / D_e with D_o = (fp + fn) / N and
D_e = 2 n_0 n_1 / (2N (2N - 1)), n_1 = 2tp + fp + fn and n_0 = 2tn + fp + fn the pooled values
(Krippendorff 2011, nominal, no missing values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ThemesError


def code_sets(values) -> list[frozenset[str]]:
    """';'-separated codes per comment, compared case-insensitively; empty or 'uncoded': none."""
    out = []
    for value in pd.Series(values).fillna("").astype(str):
        codes = {part.strip().lower() for part in value.replace("|", ";").split(";")}
        out.append(frozenset(codes - {"", "uncoded", "other"}))
    return out


def _scores(tp, fp, fn, tn) -> dict[str, np.ndarray]:
    n = tp + fp + fn + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        f1 = 2 * tp / (2 * tp + fp + fn)
        p_o = (tp + tn) / n
        p_e = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n ** 2
        kappa = (p_o - p_e) / (1 - p_e)
        n1, n0 = 2 * tp + fp + fn, 2 * tn + fp + fn
        d_e = 2 * n0 * n1 / (2 * n * (2 * n - 1))
        alpha = 1 - ((fp + fn) / n) / d_e
    return {"precision": precision, "recall": recall, "f1": f1, "kappa": kappa, "alpha": alpha}


def agreement(reference: list[frozenset[str]], other: list[frozenset[str]], *, n_boot: int = 1000,
              seed: int = 42, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per code (and ``(all codes)``: micro-averaged, alpha pooled over every decision) agreement
    of ``other`` with ``reference`` (same comments, same order), with bootstrap intervals; and the
    confusion between codes of comments that both coded with exactly one code."""
    if len(reference) != len(other):
        raise ThemesError(f"agreement: {len(reference)} comments in one coding, {len(other)} in the other")
    if not reference:
        raise ThemesError("agreement: no comment is in both codings (check that the ids match)")
    codes = sorted(set().union(*reference, *other))
    if not codes:
        raise ThemesError("agreement: neither coding has any code")
    A = np.array([[c in s for c in codes] for s in reference], np.float64)
    B = np.array([[c in s for c in codes] for s in other], np.float64)
    cells = {"tp": A * B, "fp": (1 - A) * B, "fn": A * (1 - B), "tn": (1 - A) * (1 - B)}

    def table(weights: np.ndarray) -> dict[str, np.ndarray]:  # weights: (draws, comments)
        counts = {k: weights @ v for k, v in cells.items()}  # (draws, codes)
        per_code = _scores(**counts)
        pooled = _scores(**{k: v.sum(axis=1, keepdims=True) for k, v in counts.items()})
        return {k: np.hstack([per_code[k], pooled[k]]) for k in per_code}

    point = {k: v[0] for k, v in table(np.ones((1, len(A)))).items()}
    rng = np.random.default_rng(seed)
    draws: dict[str, list[np.ndarray]] = {k: [] for k in point}
    for start in range(0, n_boot, 100):
        picks = rng.integers(0, len(A), size=(min(100, n_boot - start), len(A)))
        weights = np.stack([np.bincount(p, minlength=len(A)) for p in picks]).astype(np.float64)
        for k, v in table(weights).items():
            draws[k].append(v)
    tail = (1 - level) / 2 * 100
    rows = {"code": [*codes, "(all codes)"], "prevalence": np.round([*A.mean(axis=0), A.sum(axis=1).mean()], 3),
            "n_reference": [*A.sum(axis=0).astype(int), int(A.sum())],
            "n_other": [*B.sum(axis=0).astype(int), int(B.sum())]}
    for k, value in point.items():
        boot = np.vstack(draws[k])
        rows[k] = np.round(value, 3)
        rows[f"{k}_low"] = np.round(np.nanpercentile(boot, tail, axis=0), 3)
        rows[f"{k}_high"] = np.round(np.nanpercentile(boot, 100 - tail, axis=0), 3)
    result = pd.DataFrame(rows)
    result.loc[result.index[:-1], ["alpha", "alpha_low", "alpha_high"]] = np.nan  # alpha is reported pooled
    single = [(next(iter(a)), next(iter(b))) for a, b in zip(reference, other) if len(a) == 1 and len(b) == 1]
    confusion = pd.crosstab(pd.Series([a for a, _ in single], name="reference"),
                            pd.Series([b for _, b in single], name="other")) if single else pd.DataFrame()
    return result, confusion
