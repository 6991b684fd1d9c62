"""Emotion and effort flags per mention: anger, disappointment, gratitude and customer effort
("had to call three times").

Two parts, or-ed: the editable rule file models/flags/flags.yaml (precise, and a CX team can
see and extend the wording that triggers a flag) and a tiny logistic head per flag on the
sentence embeddings (models/flags/head.json, trained on the project's models/flags/train.csv),
which carries the rules' examples over to wording and languages they do not list. Measured on
a separate project-written set by benchmarks/flags_eval.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..engine.blocks import TextColumns, row_blocks
from ..engine.resources import model_folder, resource_dir
from ..errors import ThemesError

FLAGS = ("anger", "disappointment", "gratitude", "effort")
_WORD = re.compile(r"[\w']+")


@dataclass
class FlagRules:
    patterns: dict[str, re.Pattern]  # flag -> all languages' rules as one alternation
    unless: dict[str, re.Pattern | None]
    negators: frozenset[str]
    window: int
    caps_min_letters: int
    caps_min_share: float

    @classmethod
    def load(cls, path: Path | None = None) -> FlagRules:
        path = Path(path) if path else resource_dir("models") / "flags" / "flags.yaml"
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
            flags = spec["flags"]
            patterns, unless = {}, {}
            for flag in FLAGS:
                rules = [r for lang, rs in flags[flag].items() if lang != "unless" for r in rs]
                patterns[flag] = re.compile(r"\b(?:" + "|".join(f"(?:{r})" for r in rules) + ")", re.IGNORECASE)
                vetoes = flags[flag].get("unless") or []
                unless[flag] = re.compile("|".join(f"(?:{r})" for r in vetoes), re.IGNORECASE) if vetoes else None
        except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
            raise ThemesError(f"{path}: not a usable flag rule file ({exc})") from None
        caps = spec.get("caps_anger") or {}
        return cls(patterns, unless, frozenset(str(w).lower() for w in spec.get("negators", [])),
                   int(spec.get("window", 3)), int(caps.get("min_letters", 8)), float(caps.get("min_upper_share", 0.9)))

    def _negated(self, text: str, start: int) -> bool:
        before = _WORD.findall(text[:start].lower())[-self.window:]
        return any(w in self.negators or w.endswith("n't") for w in before)

    def _shouting(self, text: str) -> bool:
        letters = [c for c in text if c.isalpha()]
        return len(letters) >= self.caps_min_letters and (
            sum(c.isupper() for c in letters) / len(letters) >= self.caps_min_share)

    def flags_of(self, text: str) -> dict[str, bool]:
        found = {}
        for flag in FLAGS:
            veto = self.unless[flag]
            hit = not (veto and veto.search(text)) and any(
                not self._negated(text, m.start()) for m in self.patterns[flag].finditer(text))
            found[flag] = hit
        found["anger"] = found["anger"] or self._shouting(text)
        return found

    def frame(self, texts: Sequence[str] | pd.Series) -> pd.DataFrame:
        """One boolean column per flag, one row per text (filled into one array: a dict per text
        held until the end grew with the export; a string column is read a
        block of rows at a time, not made a Python string per clause at once)."""
        out = np.zeros((len(texts), len(FLAGS)), bool)
        for start, block in TextColumns.of(texts).blocks():
            for i, text in enumerate(block, start=start):
                found = self.flags_of(text)
                out[i] = [found[flag] for flag in FLAGS]
        return pd.DataFrame(out, columns=list(FLAGS))


@dataclass
class FlagHead:
    """One logistic unit per flag on the sentence embeddings: catches wording the rules lack."""

    weights: np.ndarray  # (d, len(FLAGS))
    bias: np.ndarray  # (len(FLAGS),)
    info: dict
    # Precision first: trained class-balanced on a few hundred clauses, the head gives plain
    # complaints middling probabilities (it flagged "prices are too high" as disappointment); a
    # flag that fires on every complaint tells a CX team nothing.
    threshold: float = 0.8

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n, len(FLAGS)) booleans: P(flag) > threshold (in row blocks: float16 vectors are read as
        float32 a block at a time)."""
        cut = np.log(self.threshold / (1 - self.threshold))
        return np.vstack([(np.asarray(X[b], np.float32) @ self.weights + self.bias) > cut
                          for b in row_blocks(len(X))])

    def save(self, folder: Path) -> None:
        (Path(folder) / "head.json").write_text(json.dumps({
            "flags": list(FLAGS), "weights": np.round(self.weights, 6).tolist(),
            "bias": np.round(self.bias, 6).tolist(), "threshold": self.threshold, "info": self.info},
            ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> FlagHead:
        data = json.loads((Path(folder) / "head.json").read_text(encoding="utf-8"))
        if data["flags"] != list(FLAGS):
            raise ThemesError(f"{folder}/head.json: flags {data['flags']}, expected {list(FLAGS)}")
        return cls(np.array(data["weights"], np.float32), np.array(data["bias"], np.float32), data.get("info", {}),
                   float(data.get("threshold", 0.8)))


def train_flag_head(X: np.ndarray, gold: pd.DataFrame, *, C: float = 10.0, info: dict | None = None) -> FlagHead:
    """A balanced logistic regression per flag column of ``gold`` (0/1), on embeddings ``X``."""
    from sklearn.linear_model import LogisticRegression

    weights, bias = np.zeros((X.shape[1], len(FLAGS)), np.float32), np.zeros(len(FLAGS), np.float32)
    for j, flag in enumerate(FLAGS):
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(X, gold[flag].astype(int))
        weights[:, j], bias[j] = clf.coef_[0], clf.intercept_[0]
    return FlagHead(weights, bias, dict(info or {}, n_train=len(gold),
                                        positives={f: int(gold[f].sum()) for f in FLAGS}))


def load_flag_head(name: str | Path = "flags") -> FlagHead:
    """A flag head by folder path, or by the name of one shipped in models/."""

    return FlagHead.load(model_folder(name))


class Flagger:
    """Rules, or-ed with the embedding head when the embeddings are the ones it was trained on."""

    def __init__(self, rules: FlagRules, head: FlagHead | None = None):
        self.rules, self.head = rules, head

    def frame(self, texts: Sequence[str] | pd.Series, vectors: np.ndarray | None = None) -> pd.DataFrame:
        found = self.rules.frame(texts)
        if self.head is not None and vectors is not None and len(texts):
            found |= pd.DataFrame(self.head.predict(vectors), columns=list(FLAGS), index=found.index)
        return found
