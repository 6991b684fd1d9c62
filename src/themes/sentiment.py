"""Sentiment from the sentence embeddings the pipeline computes anyway: a small multinomial
logistic head, stored as plain JSON (weights, classes, the embedding model it expects).

score = P(positive) - P(negative), in -1..1; label = the most probable class.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ThemesError

LABELS = ("negative", "neutral", "positive")


@dataclass
class SentimentHead:
    coef: np.ndarray  # (3, d)
    intercept: np.ndarray  # (3,)
    classes: tuple[str, ...] = LABELS
    info: dict = field(default_factory=dict)  # training data, model name, scores

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if X.shape[1] != self.coef.shape[1]:
            raise ThemesError(f"the sentiment head expects {self.coef.shape[1]}-d embeddings from "
                              f"'{self.info.get('embedding_model', '?')}', got {X.shape[1]}-d: retrain it "
                              "with `themes train-sentiment` for this model")
        logits = X @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def score(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score in -1..1, label) per row."""
        p = self.predict_proba(X)
        neg, pos = self.classes.index("negative"), self.classes.index("positive")
        labels = np.array(self.classes)[p.argmax(axis=1)]
        return p[:, pos] - p[:, neg], labels

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "head.json").write_text(json.dumps({
            "classes": list(self.classes),
            "coef": np.round(self.coef, 7).tolist(),
            "intercept": np.round(self.intercept, 7).tolist(),
            "info": self.info,
        }, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> SentimentHead:
        path = Path(folder) / "head.json"
        if not path.exists():
            raise ThemesError(f"{folder}: no head.json (a sentiment model folder is made by "
                              "`themes train-sentiment`)")
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(np.array(data["coef"], dtype=np.float32), np.array(data["intercept"], dtype=np.float32),
                   tuple(data["classes"]), data.get("info", {}))


DEFAULT_HEAD = "sentiment-e5-small"


def load_head(name: str | Path = DEFAULT_HEAD) -> SentimentHead:
    """A head by folder path, or by the name of one shipped in models/."""
    from .resources import resource_dir

    folder = Path(name) if Path(name).is_dir() else resource_dir("models") / str(name)
    head = SentimentHead.load(folder)
    head.info.setdefault("name", str(name))
    return head


def train_head(X: np.ndarray, labels: list[str] | np.ndarray, *, C: float = 1.0, seed: int = 42,
               info: dict | None = None) -> SentimentHead:
    """Fit the head on embeddings and negative/neutral/positive labels (class-balanced)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels)
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ThemesError(f"sentiment labels must be negative/neutral/positive, got {unknown}")
    present = tuple(c for c in LABELS if c in set(labels))
    if len(present) < 2:
        raise ThemesError("need at least two sentiment classes to train on")
    clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)
    clf.fit(X, labels)
    coef = np.zeros((3, X.shape[1]), np.float32)
    intercept = np.full(3, -30.0, np.float32)  # a class never seen gets ~zero probability
    for row, cls in enumerate(clf.classes_):
        coef[LABELS.index(cls)] = clf.coef_[row] if len(clf.classes_) > 2 else (
            clf.coef_[0] if row == 1 else -clf.coef_[0]) / (1 if len(clf.classes_) > 2 else 2)
        intercept[LABELS.index(cls)] = clf.intercept_[row] if len(clf.classes_) > 2 else (
            clf.intercept_[0] if row == 1 else -clf.intercept_[0]) / (1 if len(clf.classes_) > 2 else 2)
    return SentimentHead(coef, intercept, LABELS, dict(info or {}, n_train=len(labels)))


def normalise_label(value) -> str | None:
    """Map common label spellings (-1/0/1, neg/pos, NEG/NEU/POS, 1-5 stars) to our three."""
    text = str(value).strip().lower()
    table = {"-1": "negative", "neg": "negative", "negative": "negative", "0": "neutral",
             "neu": "neutral", "neutral": "neutral", "1": "positive", "pos": "positive", "poz": "positive",
             "positive": "positive", "-1.0": "negative", "0.0": "neutral", "1.0": "positive"}
    return table.get(text)
