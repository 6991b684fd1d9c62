"""Lemmatized content words for keywords: pymorphy3 for Russian, simplemma for the rest.

Stop words: scikit-learn's list for English, stopwords-iso for the rest. Masked personal data,
numbers and words shorter than three letters never become keywords.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..privacy import PLACEHOLDER_RE

_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’\-]*[^\W\d_]|[^\W\d_]", re.UNICODE)
# words that carry no theme in feedback, on top of the general stop lists
_FEEDBACK_STOP = {
    "en": {"very", "really", "just", "also", "get", "got", "would", "could", "one", "thing", "things",
           "lot", "even", "still", "much", "always", "never", "ever", "bit", "time"},
    "ru": {"очень", "просто", "всё", "весь", "это", "быть", "мочь", "который", "свой", "ещё", "вообще"},
    "lv": {"ļoti", "vienkārši", "tikai", "arī", "būt", "varēt", "viss", "kas", "kā", "jau", "vēl"},
}


# Words that general stop lists drop but that name what customers talk about
_KEEP = {
    "en": {"call", "bill", "system", "empty", "full", "move", "found"},
    "ru": {"время", "работа", "деньги", "хорошо", "плохо", "спасибо", "день", "час", "неделя", "месяц",
           "раз", "место", "номер", "сайт", "дело", "жизнь"},
}


@lru_cache(maxsize=16)
def stop_words(language: str) -> frozenset[str]:
    """General stop words (scikit-learn's list for English: stopwords-iso's 1,300-word English
    list drops 'help', 'order', 'problem', 'room'; stopwords-iso for the rest), minus words
    that name feedback topics, plus fillers common in feedback."""
    if language == "en":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words = set(ENGLISH_STOP_WORDS)
    else:
        import stopwordsiso

        words = set(stopwordsiso.stopwords(language)) if stopwordsiso.has_lang(language) else set()
    return frozenset((words - _KEEP.get(language, set())) | _FEEDBACK_STOP.get(language, set()))


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


# Latvian inflection endings, longest first: for words simplemma does not know we merge
# inflected forms by their stem ("kavējās", "kavējas" -> "kavēj")
_LV_ENDINGS = sorted(["ajiem", "ajām", "iem", "ām", "ēm", "īm", "os", "as", "es", "is", "us", "ai",
                      "ei", "ie", "am", "em", "ās", "ēs", "īs", "šs", "s", "š", "a", "e", "i", "u",
                      "ā", "ē", "ī", "o"], key=len, reverse=True)
_SIMPLEMMA_LANGS = {"en", "lv", "lt", "et", "de", "uk", "pl", "fr", "es", "ru", "it", "nl", "fi", "sv"}


def _lv_stem(word: str) -> str:
    for ending in _LV_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """The dictionary form of ``word`` (or, for an unknown Latvian word, its stem)."""
    word = word.lower()
    if language == "ru":
        return _morph().parse(word)[0].normal_form.replace("ё", "е")
    import simplemma

    lang = language if language in _SIMPLEMMA_LANGS else "en"
    if lang == "lv" and not simplemma.is_known(word, lang="lv"):
        return _lv_stem(word)
    return simplemma.lemmatize(word, lang=lang).lower()


def _stops(language: str) -> frozenset[str]:
    return stop_words(language) if language != "unknown" else stop_words("en")


def has_content_words(text: str, language: str, n: int) -> bool:
    """Whether ``text`` holds at least ``n`` words that could name a topic: three letters or
    more, not stop words, not masked personal data. No lemmas, and it stops at the n-th word:
    the split stage asks this of every clause."""
    stops, found = _stops(language), 0
    for token in _TOKEN.findall(PLACEHOLDER_RE.sub(" ", text) if "[" in text else text):
        if len(token) >= 3 and token.lower() not in stops:
            found += 1
            if found >= n:
                return True
    return found >= n


def content_terms(text: str, language: str) -> list[tuple[str, str]]:
    """(key, shown form) of each word in ``text`` that can name a theme: no stop words,
    masked personal data or numbers. Keys merge inflections; the shown form is readable."""
    stops = _stops(language)
    out = []
    for token in _TOKEN.findall(PLACEHOLDER_RE.sub(" ", text)):
        low = token.lower()
        if len(low) < 3 or low in stops:
            continue
        key = lemma(low, language)
        if len(key) < 3 or key in stops:
            continue
        shown = key if (language != "lv" or key != _lv_stem(low) or key == low) else low
        out.append((key, shown))
    return out
