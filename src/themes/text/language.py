"""Language identification of short comments, restricted to the languages expected.

Backends: ``py3langid`` (default: the most accurate on short comments in
benchmarks/language_id.py, and the fastest) and ``langdetect`` (made deterministic with a
fixed seed). Text without enough letters ("ok", "👍", "10/10") is ``unknown`` unless a
language hint (a --lang column or --default-language) says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

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


def _probabilities(texts: list[str], backend: str, languages: tuple[str, ...],
                   min_letters: int) -> list[dict[str, float] | None]:
    """Per text, the backend's probabilities over ``languages`` (None: too few letters)."""
    out: list[dict[str, float] | None] = []
    if backend == "py3langid":
        identifier = _langid(languages)
        for text in texts:
            if letter_count(text) < min_letters:
                out.append(None)
                continue
            out.append({lang: float(p) for lang, p in identifier.rank(text.lower())})
    elif backend == "langdetect":
        factory = _langdetect_factory(languages)
        from langdetect.lang_detect_exception import LangDetectException

        for text in texts:
            if letter_count(text) < min_letters:
                out.append(None)
                continue
            try:
                detector = factory.create()
                # a prior of zero takes a language out of the race (else Russian reads as Bulgarian)
                detector.set_prior_map({lang: 1.0 for lang in languages if lang in factory.langlist})
                detector.append(text)
                out.append({p.lang: p.prob for p in detector.get_probabilities() if p.lang in languages})
            except LangDetectException:
                out.append(None)
    else:
        raise ValueError(f"unknown language backend '{backend}' (py3langid or langdetect)")
    return out


def detect_languages(texts: Iterable[str], *, backend: str = "py3langid",
                     languages: Iterable[str] = DEFAULT_LANGUAGES, min_letters: int = 3,
                     min_confidence: float = 0.5, confident_letters: int = 40) -> list[str]:
    """Language per text, or ``unknown``.

    Classifiers assume every allowed language equally likely, which misreads short texts
    ("Terrible service" as French). An export has a language mix, so we learn it from the
    texts long enough to be sure of (at least ``confident_letters`` letters) and use it as
    the prior for every text: posterior = probability x share of the language in the export.
    """
    texts = list(texts)
    languages = tuple(sorted(set(languages)))
    probs = _probabilities(texts, backend, languages, min_letters)
    counts = dict.fromkeys(languages, 1.0)  # add-one smoothing: an unseen language stays possible
    for text, p in zip(texts, probs):
        if p and letter_count(text) >= confident_letters:
            counts[max(p, key=p.get)] += 1
    total = sum(counts.values())
    prior = {lang: n / total for lang, n in counts.items()}
    out = []
    for p in probs:
        if not p:
            out.append(UNKNOWN)
            continue
        posterior = {lang: q * prior.get(lang, 0.0) for lang, q in p.items()}
        norm = sum(posterior.values())
        best = max(posterior, key=posterior.get) if norm > 0 else None
        out.append(best if best is not None and posterior[best] / norm >= min_confidence else UNKNOWN)
    return out
