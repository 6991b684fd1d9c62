"""Language identification of short comments, restricted to the languages expected.

Backends: ``py3langid`` (default: the most accurate on short comments in
benchmarks/language_id.py, and the fastest) and ``langdetect`` (made deterministic with a
fixed seed). Text without enough letters ("ok", "👍", "10/10") is ``unknown`` unless a
language hint (a --lang column or --default-language) says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from ..engine.blocks import TextColumns
from .clean import letter_count

UNKNOWN = "unknown"
DEFAULT_LANGUAGES = ("en", "ru", "lv", "lt", "et", "de", "uk", "pl", "fr", "es")


@lru_cache(maxsize=8)
def _langid(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def _langdetect_factory(languages: tuple[str, ...]):
    from langdetect import DetectorFactory, detector_factory

    DetectorFactory.seed = 0  # langdetect samples n-grams at random; fix it for reproducible runs
    if detector_factory._factory is None:
        detector_factory.init_factory()
    return detector_factory._factory


def _probabilities(texts: TextColumns, backend: str, languages: tuple[str, ...],
                   min_letters: int) -> tuple[np.ndarray, np.ndarray]:
    """Per text, the backend's probabilities over ``languages`` (a row of the matrix, columns in
    that order; all zero: too few letters) and its letter count. A matrix, not a dict per text:
    a dict per text was most of this stage's memory on large exports (benchmarks/scale.py)."""
    probs = np.zeros((len(texts), len(languages)))
    letters = np.zeros(len(texts), np.int64)
    column = {lang: j for j, lang in enumerate(languages)}
    if backend == "py3langid":
        identifier = _langid(languages)

        def rank(text: str) -> list[tuple[str, float]]:
            return identifier.rank(text.lower())
    elif backend == "langdetect":
        factory = _langdetect_factory(languages)
        from langdetect.lang_detect_exception import LangDetectException

        def rank(text: str) -> list[tuple[str, float]]:
            try:
                detector = factory.create()
                # a prior of zero takes a language out of the race (else Russian reads as Bulgarian)
                detector.set_prior_map({lang: 1.0 for lang in languages if lang in factory.langlist})
                detector.append(text)
                return [(p.lang, p.prob) for p in detector.get_probabilities()]
            except LangDetectException:
                return []
    else:
        raise ValueError(f"unknown language backend '{backend}' (py3langid or langdetect)")
    for start, block in texts.blocks():
        counts = np.fromiter((letter_count(t) for t in block), np.int64, len(block))
        letters[start:start + len(block)] = counts
        for i in np.flatnonzero(counts >= min_letters):
            for lang, p in rank(block[i]):
                if lang in column:
                    probs[start + i, column[lang]] = p
    return probs, letters


def detect_languages(texts: Iterable[str] | pd.Series | TextColumns, *, backend: str = "py3langid",
                     languages: Iterable[str] = DEFAULT_LANGUAGES, min_letters: int = 3,
                     min_confidence: float = 0.5, confident_letters: int = 40) -> list[str]:
    """Language per text, or ``unknown``.

    Classifiers assume every allowed language equally likely, which misreads short texts
    ("Terrible service" as French). An export has a language mix, so we learn it from the
    texts long enough to be sure of (at least ``confident_letters`` letters) and use it as
    the prior for every text: posterior = probability x share of the language in the export.
    """
    texts = TextColumns.of(texts if isinstance(texts, (pd.Series, TextColumns)) else list(texts))
    languages = tuple(sorted(set(languages)))
    probs, letters = _probabilities(texts, backend, languages, min_letters)
    known = probs.any(axis=1)
    confident = known & (letters >= confident_letters)
    # add-one smoothing: an unseen language stays possible
    counts = 1.0 + np.bincount(probs[confident].argmax(axis=1), minlength=len(languages))
    posterior = probs * (counts / counts.sum())
    best = posterior.argmax(axis=1)
    norm = posterior.sum(axis=1)
    sure = known & (norm > 0)
    sure[sure] = posterior[sure, best[sure]] / norm[sure] >= min_confidence
    return np.where(sure, np.asarray(languages, dtype=object)[best], UNKNOWN).tolist()
