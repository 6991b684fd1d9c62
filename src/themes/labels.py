"""Readable theme labels: class-based TF-IDF over lemmas, and the most central quotes.

A word scores high for a theme when many of the theme's mentions use it and few other
themes do (c-TF-IDF, as in BERTopic, but over lemmas with stop words removed, so
"delay / delays / delayed" is one keyword and Russian/Latvian inflections merge).
Keywords are computed per language; the label uses the label language when the theme has
enough mentions in it, and the pooled keywords otherwise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from .privacy import mask_pii
from .text.lemmas import content_terms


@dataclass
class ThemeLabel:
    label: str
    keywords: list[str]
    keywords_by_language: dict[str, list[str]]
    examples: list[int]  # row indices of the most central mentions


def _ctfidf(doc_terms: list[set[str]], theme_of: np.ndarray, n_themes: int, top: int) -> list[list[str]]:
    """Top keys per theme. tf = share of the theme's mentions that use the key;
    idf = log(1 + mean mentions per theme / mentions using the key anywhere)."""
    per_theme: list[Counter] = [Counter() for _ in range(n_themes)]
    overall: Counter = Counter()
    sizes = np.bincount(theme_of, minlength=n_themes) if len(theme_of) else np.zeros(n_themes, int)
    for terms, t in zip(doc_terms, theme_of):
        per_theme[t].update(terms)
        overall.update(terms)
    mean_size = max(sizes.mean(), 1.0) if n_themes else 1.0
    out = []
    for t in range(n_themes):
        scored = []
        for key, count in per_theme[t].items():
            if count < 2 and sizes[t] >= 10:  # a word used once says nothing about a large theme
                continue
            tf = count / max(sizes[t], 1)
            idf = np.log1p(mean_size / overall[key])
            scored.append((tf * idf, key))
        scored.sort(key=lambda x: (-x[0], x[1]))
        out.append([key for _, key in scored[:top]])
    return out


def span_terms(spans: list[str], languages: list[str], mask: bool = True) -> list[list[tuple[str, str]]]:
    """(key, shown form) of the content words of each span, personal data masked first."""
    return [content_terms(mask_pii(span) if mask else span, lang) for span, lang in zip(spans, languages)]


def label_themes(spans: list[str], languages: list[str], theme_of: np.ndarray, similarity: np.ndarray,
                 n_themes: int, *, n_keywords: int = 10, n_examples: int = 3,
                 label_language: str = "en", label_words: int = 3, min_language_share: float = 0.15,
                 mask: bool = True, terms: list[list[tuple[str, str]]] | None = None) -> list[ThemeLabel]:
    """Labels, keywords and quotes per theme. ``terms``: each span's ``span_terms`` when the
    caller has them already (the label stage labels themes, then sub-themes of the same spans)."""
    theme_of = np.asarray(theme_of)
    shown: dict[str, Counter] = defaultdict(Counter)
    doc_terms: list[set[str]] = []
    if terms is None:
        terms = span_terms(spans, languages, mask)
    for span_terms_ in terms:
        for key, form in span_terms_:
            shown[key][form] += 1
        doc_terms.append({key for key, _ in span_terms_})

    def show(key: str) -> str:
        return shown[key].most_common(1)[0][0] if shown[key] else key

    pooled = _ctfidf(doc_terms, theme_of, n_themes, n_keywords)
    by_language: dict[str, list[list[str]]] = {}
    langs = np.asarray(languages)
    for lang in sorted(set(languages) - {"unknown"}):
        mask_l = langs == lang
        if mask_l.sum() < 5:
            continue
        by_language[lang] = _ctfidf([d for d, m in zip(doc_terms, mask_l) if m], theme_of[mask_l],
                                    n_themes, n_keywords)
    out = []
    for t in range(n_themes):
        in_theme = theme_of == t
        members = np.flatnonzero(in_theme)
        share_label_lang = (langs[in_theme] == label_language).mean() if in_theme.any() else 0.0
        words = by_language.get(label_language, [[]] * n_themes)[t] \
            if share_label_lang >= min_language_share else []
        words = words or pooled[t]
        label = " / ".join(show(k) for k in words[:label_words]) or "(no keywords)"
        central = members[np.argsort(-similarity[members], kind="stable")]
        examples = _pick_examples(central, spans, langs, n_examples)
        out.append(ThemeLabel(
            label=label,
            keywords=[show(k) for k in pooled[t]],
            keywords_by_language={lang: [show(k) for k in kws[t]] for lang, kws in by_language.items()
                                  if kws[t]},
            examples=examples,
        ))
    return out


def _pick_examples(central: np.ndarray, spans: list[str], languages: np.ndarray, n: int) -> list[int]:
    """The most central quotes, one per wording (case and punctuation ignored), short enough
    to quote, taking a new language before a second quote in the same one."""
    seen: set[str] = set()
    candidates = []
    for idx in central:
        text = spans[idx].strip()
        key = "".join(ch for ch in text.lower() if ch.isalnum())
        if not key or key in seen or len(text) > 300:
            continue
        seen.add(key)
        candidates.append(int(idx))
        if len(candidates) >= 8 * n:
            break
    picked: list[int] = []
    used_languages: set[str] = set()
    for idx in candidates:  # first pass: one per language, in order of centrality
        if languages[idx] not in used_languages and len(picked) < n:
            picked.append(idx)
            used_languages.add(languages[idx])
    for idx in candidates:  # then fill up with the next most central
        if len(picked) >= n:
            break
        if idx not in picked:
            picked.append(idx)
    return sorted(picked, key=lambda i: candidates.index(i))
