"""Sentiment from the sentence embeddings the pipeline computes anyway: a small head (an average of
a few one-hidden-layer networks, or a single linear layer), stored as plain files in a folder:
head.json (classes, temperature, training info) and weights.npz (float32 arrays, no pickle).

A head trained on a researcher's own labelled comments (``themes train-sentiment``) also has a
lexical part by default: hashed word and character n-grams with one logistic regression, whose
probabilities are averaged with the networks'. A sentence vector blurs the domain's own words
("on hold", "rebooked", "списали"), which in-domain labels teach directly; on each of the six
evaluation splits the average beats the networks alone, and on the four where it was measured
the lexical model alone too (models/sentiment-e5-small/README.md). Such a head reads the text
beside its embedding.

score = P(positive) - P(negative), in -1..1; label = the most probable class. The probabilities
are temperature-calibrated on data held out from training, so P(label) is an honest confidence.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..embedding.rows import take
from ..engine.blocks import TextColumns, row_blocks
from ..engine.resources import model_folder
from ..errors import ThemesError

LABELS = ("negative", "neutral", "positive")

Layer = tuple[np.ndarray, np.ndarray]  # weights (d_in, d_out), bias (d_out,)


def _logits(member: list[Layer], X: np.ndarray) -> np.ndarray:
    h = X
    for i, (W, b) in enumerate(member):
        h = h @ W + b
        if i < len(member) - 1:
            np.maximum(h, 0.0, out=h)  # ReLU between layers
    return h


def float32_without_subnormals(a: np.ndarray) -> np.ndarray:
    """A float32 copy with subnormal values (|x| < 1.2e-38) set to zero. They add nothing to a
    sum, but a matrix product that meets them runs many times slower on x86 CPUs, and weight
    decay leaves the weights of dead ReLU units there."""
    out = np.array(a, dtype=np.float32)
    out[np.abs(out) < np.finfo(np.float32).tiny] = 0.0
    return out


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def _average_proba(member_logits: list[np.ndarray], temperature: float = 1.0, shift=0.0,
                   weights: np.ndarray | None = None) -> np.ndarray:
    """The head's probabilities: each member's logits / temperature (+ a run's per-class offset),
    softmax, averaged over the members (weighted: the lexical part is one member with its own share)."""
    return np.average([_softmax(z / temperature + shift) for z in member_logits], axis=0, weights=weights)


@dataclass
class LexicalPart:
    """Word 1-2-grams and character 2-5-grams (within words), each hashed into ``n_features``
    columns (no vocabulary to store; any script), sublinear TF-IDF, L2-normalised rows, and one
    multinomial logistic regression: ``W`` (2 n_features, 3 classes in LABELS order), ``b``."""
    idf: np.ndarray
    W: np.ndarray
    b: np.ndarray
    n_features: int = 2 ** 18

    def __post_init__(self) -> None:
        self.W, self.b = float32_without_subnormals(self.W), float32_without_subnormals(self.b)

    @staticmethod
    def counts(texts: list[str], n_features: int):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import HashingVectorizer

        common = {"n_features": n_features, "alternate_sign": False, "norm": None, "lowercase": True}
        words = HashingVectorizer(ngram_range=(1, 2), **common).transform(texts)
        chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common).transform(texts)
        return hstack([words, chars]).tocsr().astype(np.float32)

    @staticmethod
    def fit_idf(counts) -> np.ndarray:
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        return (np.log((1 + counts.shape[0]) / (1 + df)) + 1).astype(np.float32)  # smooth idf, as sklearn's

    @staticmethod
    def weigh(counts, idf: np.ndarray):
        from sklearn.preprocessing import normalize

        tfidf = counts.copy()
        tfidf.data = 1 + np.log(tfidf.data)  # sublinear term frequency
        return normalize(tfidf.multiply(idf).tocsr())

    def logits(self, texts: list[str]) -> np.ndarray:
        features = self.weigh(self.counts(texts, self.n_features), self.idf)
        return np.asarray(features @ self.W) + self.b


@dataclass
class SentimentHead:
    members: list[list[Layer]]  # each member: layers; probabilities are averaged over members
    classes: tuple[str, ...] = LABELS
    temperature: float = 1.0
    info: dict = field(default_factory=dict)  # training data, model name, scores
    lexical: LexicalPart | None = None  # reads the text too; its share of the average below
    lexical_weight: float = 0.5

    def __post_init__(self) -> None:
        self.members = [[(float32_without_subnormals(W), float32_without_subnormals(b)) for W, b in member]
                        for member in self.members]

    @property
    def dim(self) -> int:
        return int(self.members[0][0][0].shape[0])

    @property
    def reads_text(self) -> bool:
        return self.lexical is not None

    @property
    def member_weights(self) -> np.ndarray | None:
        """Each member's share of the averaged probability (None: equal shares)."""
        if self.lexical is None:
            return None
        return np.array([(1 - self.lexical_weight) / len(self.members)] * len(self.members) + [self.lexical_weight])

    def _text_columns(self, X, texts) -> TextColumns | None:
        """For a head that reads text: ``texts`` as columns read a block of rows at a time (no Python
        string per row of a whole export at once), one per row of ``X`` or an error."""
        if self.lexical is None:
            return None
        if texts is None or len(texts) != len(X):
            raise ThemesError(f"the sentiment head '{self.info.get('name', '?')}' reads the text as well as "
                              "the embedding: pass one text per row")
        return TextColumns.of(texts)

    def member_logits(self, X: np.ndarray,
                      texts: list[str] | pd.Series | TextColumns | None = None) -> list[np.ndarray]:
        if X.shape[1] != self.dim:
            raise ThemesError(f"the sentiment head expects {self.dim}-d embeddings from "
                              f"'{self.info.get('embedding_model', '?')}', got {X.shape[1]}-d: retrain it "
                              "with `themes train-sentiment` for this model")
        columns = self._text_columns(X, texts)
        # in row blocks: the hidden activations of all rows at once grow with the export; each
        # block is read once (as float32, from float16 or shared rows too) for all the members
        per_member: list[list[np.ndarray]] = [[] for _ in self.members]
        for b in row_blocks(len(X)):
            block = np.asarray(X[b], np.float32)
            for out, member in zip(per_member, self.members):
                out.append(_logits(member, block))
        found = [np.vstack(blocks) for blocks in per_member]
        if columns is not None:
            found.append(np.vstack([self.lexical.logits(block) for _, block in columns.blocks()]))
        return found

    def predict_proba(self, X: np.ndarray, *, texts: list[str] | pd.Series | TextColumns | None = None,
                      shift: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities; ``texts`` (what was embedded, row by row) for a head that reads text;
        ``shift`` (per-class logit offsets) is how a run re-calibrates."""
        return _average_proba(self.member_logits(X, texts), self.temperature, 0.0 if shift is None else shift,
                              self.member_weights)

    def score(self, X: np.ndarray, *, texts: list[str] | pd.Series | TextColumns | None = None,
              shift: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(score in -1..1, label) per row, a block of rows at a time: the members' logits and
        probabilities for all rows at once grow with the export."""
        columns = self._text_columns(X, texts)
        scores, labels = [], []
        for b in row_blocks(len(X)):
            block_texts = None if columns is None else columns.take(np.arange(b.start, b.stop))
            score, label = self.score_proba(self.predict_proba(X[b], texts=block_texts, shift=shift))
            scores.append(score)
            labels.append(label)
        return np.concatenate(scores), np.concatenate(labels)

    def score_proba(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        neg, pos = self.classes.index("negative"), self.classes.index("positive")
        # the class names as shared objects: a fixed-width string per row is 32 bytes, and a string
        # column made of it a Python string per row on the way
        return p[:, pos] - p[:, neg], np.asarray(self.classes, dtype=object)[p.argmax(axis=1)]

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {f"m{i}_{kind}{j}": a.astype(np.float32) for i, member in enumerate(self.members)
                  for j, layer in enumerate(member) for kind, a in zip("Wb", layer)}
        lexical = None
        if self.lexical is not None:
            arrays |= {"lex_idf": self.lexical.idf, "lex_W": self.lexical.W.astype(np.float32),
                       "lex_b": self.lexical.b.astype(np.float32)}
            lexical = {"n_features": self.lexical.n_features, "weight": self.lexical_weight}
        np.savez_compressed(folder / "weights.npz", **arrays)  # the n-gram weights are mostly zeros
        (folder / "head.json").write_text(json.dumps({
            "format": 2, "classes": list(self.classes), "temperature": round(float(self.temperature), 6),
            "members": [len(m) for m in self.members], "lexical": lexical, "info": self.info,
        }, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> SentimentHead:
        path = Path(folder) / "head.json"
        if not path.exists():
            raise ThemesError(f"{folder}: no head.json (a sentiment model folder is made by "
                              "`themes train-sentiment`)")
        data = json.loads(path.read_text(encoding="utf-8"))
        if "coef" in data:  # format 1: one linear layer inline (heads trained before 0.2)
            W = np.array(data["coef"], dtype=np.float32).T
            members = [[(W, np.array(data["intercept"], dtype=np.float32))]]
        else:
            weights = Path(folder) / "weights.npz"
            if not weights.exists():
                raise ThemesError(f"{folder}: head.json without weights.npz")
            with np.load(weights, allow_pickle=False) as arrays:
                members = [[(arrays[f"m{i}_W{j}"], arrays[f"m{i}_b{j}"]) for j in range(n)]
                           for i, n in enumerate(data["members"])]
                spec = data.get("lexical")
                lexical = LexicalPart(arrays["lex_idf"], arrays["lex_W"], arrays["lex_b"],
                                      int(spec["n_features"])) if spec else None
            return cls(members, tuple(data["classes"]), float(data.get("temperature", 1.0)), data.get("info", {}),
                       lexical, float(spec["weight"]) if spec else 0.5)
        return cls(members, tuple(data["classes"]), float(data.get("temperature", 1.0)), data.get("info", {}))


DEFAULT_HEAD = "sentiment-e5-small"


def load_head(name: str | Path = DEFAULT_HEAD) -> SentimentHead:
    """A head by folder path, or by the name of one shipped in models/."""

    head = SentimentHead.load(model_folder(name))
    head.info.setdefault("name", str(name))
    return head


def expected_calibration_error(proba: np.ndarray, labels: np.ndarray, classes=LABELS, bins: int = 10) -> float:
    """ECE of the top-label confidence: |accuracy - confidence| averaged over equal-width bins."""
    conf = proba.max(axis=1)
    right = np.array(classes)[proba.argmax(axis=1)] == np.asarray(labels)
    edges = np.minimum((conf * bins).astype(int), bins - 1)
    return float(sum(abs(right[edges == b].mean() - conf[edges == b].mean()) * (edges == b).mean()
                     for b in range(bins) if (edges == b).any()))


def fit_temperature(logits: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The temperature minimising held-out log-loss of the averaged member probabilities."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = _average_proba(logits, np.exp(log_t), weights=weights)
        return -float(np.log(p[np.arange(len(y)), y] + 1e-12).mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-2.0, 2.0), method="bounded").x))


def fit_score_shift(head: SentimentHead, X: np.ndarray, groups: np.ndarray, top: str, bottom: str,
                    min_each: int = 30, texts: list[str] | TextColumns | None = None) -> dict:
    """Re-calibrate the head on an export's own scores: one offset between the positive and the
    negative logit, fitted so that the top group's comments (promoters) read positive against
    negative and the bottom group's (detractors) the reverse, both groups weighted equally.

    Scores are a noisy label for the text (a detractor may write a neutral line), so only the
    pos/neg balance moves, never the neutral class, and the offset is bounded. The returned
    dict says what changed; ``shift`` is None when there are too few scored comments."""
    from scipy.optimize import minimize_scalar

    groups = np.asarray(groups)
    is_top, is_bottom = groups == top, groups == bottom
    report = {"top_group": top, "bottom_group": bottom, "n_top": int(is_top.sum()), "n_bottom": int(is_bottom.sum())}
    if min(is_top.sum(), is_bottom.sum()) < min_each:
        return report | {"shift": None, "why": f"needs at least {min_each} comments in each of {top} and {bottom}"}
    neg, pos = head.classes.index("negative"), head.classes.index("positive")
    scored = is_top | is_bottom
    logits = head.member_logits(take(X, scored),
                                None if texts is None else TextColumns.of(texts).take(np.flatnonzero(scored)))
    wants_pos = is_top[scored]

    def offsets(delta: float) -> np.ndarray:
        shift = np.zeros(len(head.classes), np.float32)
        shift[pos], shift[neg] = delta / 2, -delta / 2
        return shift

    def loss(delta: float) -> float:
        p = _average_proba(logits, head.temperature, offsets(delta), head.member_weights)
        share_pos = p[:, pos] / (p[:, pos] + p[:, neg] + 1e-12)
        return -(np.log(share_pos[wants_pos] + 1e-12).mean() + np.log(1 - share_pos[~wants_pos] + 1e-12).mean()) / 2

    delta = float(minimize_scalar(loss, bounds=(-4.0, 4.0), method="bounded").x)
    shift = offsets(delta)

    def agreement(labels: np.ndarray) -> float:
        return round(float(((labels[is_top] == "positive").mean() + (labels[is_bottom] == "negative").mean()) / 2), 4)

    before = head.score(X, texts=texts)[1]
    after = head.score(X, texts=texts, shift=shift)[1]
    return report | {"shift": shift, "offset": round(delta, 4), "agreement_before": agreement(before),
                     "agreement_after": agreement(after), "labels_changed": int((before != after).sum()),
                     "labels_changed_share": round(float((before != after).mean()), 4)}


def train_head(X: np.ndarray, labels: list[str] | np.ndarray, *, sample_weight: np.ndarray | None = None,
               members: int = 5, hidden: int = 128, alpha: float = 0.01, balanced: bool = True,
               held_out: float = 0.1, seed: int = 42, info: dict | None = None,
               texts: list[str] | None = None, lexical_weight: float = 0.5, lexical_c: float = 4.0,
               n_features: int = 2 ** 18) -> SentimentHead:
    """Fit the head on embeddings and negative/neutral/positive labels.

    ``members`` one-hidden-layer networks (seeds seed, seed+1, ...) are averaged; ``balanced``
    weights classes equally; ``held_out`` of the rows (stratified) fit the temperature and are
    where the calibration figures in ``info`` come from. With ``texts`` (the embedded text of each
    row) the head gets a lexical part too (LexicalPart, inverse regularisation ``lexical_c``), given
    ``lexical_weight`` of the averaged probability; it trains on the same rows as the networks.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    labels = np.asarray(labels)
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ThemesError(f"sentiment labels must be negative/neutral/positive, got {unknown}")
    present = [c for c in LABELS if c in set(labels)]
    if len(present) < 2:
        raise ThemesError("need at least two sentiment classes to train on")
    weight = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if balanced:
        for c in present:
            weight[labels == c] *= len(labels) / (len(present) * (labels == c).sum())
    counts = {c: int((labels == c).sum()) for c in present}
    idx = np.arange(len(labels))
    calibrate = held_out > 0 and min(counts.values()) >= 10
    if calibrate:
        fit_idx, cal_idx = train_test_split(idx, test_size=held_out, stratify=labels, random_state=seed)
    else:
        fit_idx, cal_idx = idx, idx[:0]
    scale = 10.0  # e5 vectors are unit-length with small entries: scale up for the optimiser, fold back below
    found = []
    for k in range(members):
        clf = MLPClassifier((hidden,), alpha=alpha, max_iter=300, early_stopping=len(fit_idx) >= 1000,
                            random_state=seed + k)
        with warnings.catch_warnings():  # small sets stop at max_iter; the held-out figures say how it went
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X[fit_idx] * scale, labels[fit_idx], sample_weight=weight[fit_idx])
        (W0, W1), (b0, b1) = clf.coefs_, clf.intercepts_
        found.append([((W0 * scale).astype(np.float32), b0.astype(np.float32)),
                      _in_label_order(W1, b1, clf.classes_)])
    head = SentimentHead(found, LABELS, 1.0, dict(info or {}, n_train=len(labels), class_counts=counts))
    if texts is not None:
        if len(texts) != len(labels):
            raise ThemesError(f"{len(texts)} texts for {len(labels)} labels")
        head.lexical = _train_lexical(list(texts), labels, weight, fit_idx, lexical_c, n_features)
        head.lexical_weight = lexical_weight
        head.info["lexical"] = {"n_features": n_features, "weight": lexical_weight, "C": lexical_c}
    cal_texts = None if texts is None else [texts[i] for i in cal_idx]
    if calibrate:
        y_cal = np.array([LABELS.index(c) for c in labels[cal_idx]])
        before = expected_calibration_error(head.predict_proba(X[cal_idx], texts=cal_texts), labels[cal_idx])
        head.temperature = fit_temperature(head.member_logits(X[cal_idx], cal_texts), y_cal, head.member_weights)
        after = expected_calibration_error(head.predict_proba(X[cal_idx], texts=cal_texts), labels[cal_idx])
        head.info["calibration"] = {"held_out_rows": len(cal_idx), "temperature": round(head.temperature, 4),
                                    "ece_before": round(before, 4), "ece_after": round(after, 4)}
    return head


def _train_lexical(texts: list[str], labels: np.ndarray, weight: np.ndarray, rows: np.ndarray, C: float,
                   n_features: int) -> LexicalPart:
    from sklearn.linear_model import LogisticRegression

    counts = LexicalPart.counts([texts[i] for i in rows], n_features)
    idf = LexicalPart.fit_idf(counts)
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit(LexicalPart.weigh(counts, idf), labels[rows], sample_weight=weight[rows])
    W, b = _in_label_order(clf.coef_.T, clf.intercept_, clf.classes_)
    return LexicalPart(idf, W, b, n_features)


def _in_label_order(W: np.ndarray, b: np.ndarray, classes) -> Layer:
    """An output layer (d_in, classes fitted) as (d_in, 3) in LABELS order. With two classes
    sklearn keeps one logit: it is spread over the pair; a class never seen gets bias -30, so
    ~zero probability."""
    if W.shape[1] == 1:
        W, b = np.hstack([-W / 2, W / 2]), np.concatenate([-b / 2, b / 2])
    out_W, out_b = np.zeros((W.shape[0], 3), np.float32), np.full(3, -30.0, np.float32)
    for col, cls in enumerate(classes):
        out_W[:, LABELS.index(cls)], out_b[LABELS.index(cls)] = W[:, col], b[col]
    return out_W, out_b


def normalise_label(value) -> str | None:
    """Map common label spellings (-1/0/1, neg/pos, NEG/NEU/POS, 1-5 stars) to our three."""
    text = str(value).strip().lower()
    table = {"-1": "negative", "neg": "negative", "negative": "negative", "0": "neutral",
             "neu": "neutral", "neutral": "neutral", "1": "positive", "pos": "positive", "poz": "positive",
             "positive": "positive", "-1.0": "negative", "0.0": "neutral", "1.0": "positive"}
    return table.get(text)
