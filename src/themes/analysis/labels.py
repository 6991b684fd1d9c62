"""Readable theme labels: class-based TF-IDF over lemmas, and the most central quotes.

A word scores high for a theme when many of the theme's mentions use it and few other
themes do (c-TF-IDF, as in BERTopic, but over lemmas with stop words removed, so
"delay / delays / delayed" is one keyword and Russian/Latvian inflections merge).
Keywords are computed per language; the label uses the label language when the theme has
enough mentions in it, and the pooled keywords otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..engine.blocks import ranges, row_blocks
from ..privacy import mask_pii
from ..text.lemmas import content_terms
from ..text.split import mention_core

DOC_BLOCK = 200_000  # spans per block where per-word arrays are built


@dataclass
class ThemeLabel:
    label: str
    keywords: list[str]
    keywords_by_language: dict[str, list[str]]
    examples: list[int]  # row indices of the most central mentions


@dataclass
class SpanTerms:
    """The content words of many spans as integer arrays, not a Python list per span: a list of
    (key, form) tuples and a set per span was the label stage's largest cost in memory.

    A *pair* is one (key, shown form), numbered in order of first appearance; span i's words are
    ``pairs[offsets[i]:offsets[i + 1]]`` in reading order."""

    keys: list[str]  # key id -> key (lemma)
    forms: list[str]  # pair id -> shown form
    pair_key: np.ndarray  # pair id -> key id
    pairs: np.ndarray  # every span's pair ids, one after another
    offsets: np.ndarray  # (n_spans + 1,)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def take(self, rows: np.ndarray) -> SpanTerms:
        """The spans ``rows`` (in that order), sharing the vocabulary."""
        rows = np.asarray(rows, np.int64)
        lengths = self.offsets[rows + 1] - self.offsets[rows]
        picked = self.pairs[ranges(self.offsets[rows], lengths)]
        return SpanTerms(self.keys, self.forms, self.pair_key, picked, np.concatenate([[0], np.cumsum(lengths)]))

    def doc_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """(span, key id) once per key a span uses: the spans' key sets, as two int32 arrays in
        span order. Built a block of spans at a time: done at once, the int64 codes and their sort
        grew with the export."""
        n_keys = max(len(self.keys), 1)
        docs, keys = [np.zeros(0, np.int32)], [np.zeros(0, np.int32)]
        for block in row_blocks(len(self), DOC_BLOCK):
            first, end = self.offsets[block.start], self.offsets[block.stop]
            doc = np.repeat(np.arange(block.start, block.stop, dtype=np.int64),
                            np.diff(self.offsets[block.start:block.stop + 1]))
            code = np.unique(doc * n_keys + self.pair_key[self.pairs[first:end]])
            docs.append((code // n_keys).astype(np.int32))
            keys.append((code % n_keys).astype(np.int32))
        return np.concatenate(docs), np.concatenate(keys)

    def shown(self) -> np.ndarray:
        """Per key id, the pair id of its most frequent form in these spans (ties: the form seen
        first here); -1 for keys these spans do not use."""
        counts = np.bincount(self.pairs, minlength=len(self.forms))
        first = np.full(len(self.forms), len(self.pairs), np.int64)
        used, at = np.unique(self.pairs, return_index=True)
        first[used] = at
        best = np.full(len(self.keys), -1, np.int64)
        # sorted by key, then most frequent, then first seen: the first pair of each key wins
        order = np.lexsort((first[used], -counts[used], self.pair_key[used]))
        ranked = used[order]
        keys_of = self.pair_key[ranked]
        lead = np.concatenate([[True], keys_of[1:] != keys_of[:-1]]) if len(ranked) else np.zeros(0, bool)
        best[keys_of[lead]] = ranked[lead]
        return best


def span_terms(spans: list[str], languages: list[str], mask: bool = True) -> SpanTerms:
    """The content words of each span (personal data masked first), as ``SpanTerms``."""
    from array import array

    key_id: dict[str, int] = {}
    pair_id: dict[tuple[str, str], int] = {}
    pair_key, pairs, offsets = array("i"), array("i"), array("q", [0])  # ids fit int32; offsets may not
    for span, lang in zip(spans, languages):
        for key, form in content_terms(mask_pii(span) if mask else span, lang):
            pid = pair_id.get((key, form))
            if pid is None:
                pid = pair_id[(key, form)] = len(pair_id)
                pair_key.append(key_id.setdefault(key, len(key_id)))
            pairs.append(pid)
        offsets.append(len(pairs))
    return SpanTerms(list(key_id), [form for _, form in pair_id], np.frombuffer(pair_key, np.int32).copy(),
                     np.frombuffer(pairs, np.int32).copy(), np.frombuffer(offsets, np.int64).copy())


def _ctfidf(docs: np.ndarray, keys: np.ndarray, vocabulary: list[str], theme_of: np.ndarray,
            n_themes: int, top: int) -> list[list[int]]:
    """Top key ids per theme, from (span, key id) pairs. tf = share of the theme's mentions that
    use the key; idf = log(1 + mean mentions per theme / mentions using the key anywhere)."""
    sizes = np.bincount(theme_of, minlength=n_themes) if len(theme_of) else np.zeros(n_themes, int)
    n_keys = len(vocabulary)
    per_theme = np.zeros(n_themes * n_keys, np.int64)
    for block in row_blocks(len(docs), DOC_BLOCK * 4) if n_themes else []:  # int64 codes a block at a time
        codes = theme_of[docs[block]].astype(np.int64) * n_keys + keys[block]
        per_theme += np.bincount(codes, minlength=n_themes * n_keys)
    per_theme = per_theme.reshape(n_themes, n_keys)
    overall = per_theme.sum(axis=0)
    mean_size = max(sizes.mean(), 1.0) if n_themes else 1.0
    out = []
    for t in range(n_themes):
        count = per_theme[t]
        candidates = np.flatnonzero(count >= (2 if sizes[t] >= 10 else 1))  # a word used once says
        tf = count[candidates] / max(sizes[t], 1)  # nothing about a large theme
        scores = tf * np.log1p(mean_size / overall[candidates])
        ranked = sorted(zip(-scores, (vocabulary[k] for k in candidates), candidates))
        out.append([int(k) for _, _, k in ranked[:top]])
    return out


def label_themes(spans: list[str], languages: list[str], theme_of: np.ndarray, similarity: np.ndarray,
                 n_themes: int, *, n_keywords: int = 10, n_examples: int = 3,
                 label_language: str = "en", label_words: int = 3, min_language_share: float = 0.15,
                 mask: bool = True, terms: SpanTerms | None = None, fixed: list[str | None] | None = None,
                 taken: set[str] | None = None) -> list[ThemeLabel]:
    """Labels, keywords and quotes per theme. ``terms``: the spans' ``span_terms`` when the
    caller has them already (the label stage labels themes, then sub-themes of the same spans).
    A label is ``fixed[t]`` where given (a codeframe's, an aspect's name), else the theme's most
    central short mention in the label language that uses one of its top keywords (a phrase a
    manager reads: "Shipping is painfully slow"), else its keywords; ``taken``: names already
    given (to other themes of the run, lower case), never given twice; it gains these labels."""
    taken = set() if taken is None else taken
    fixed = fixed or [None] * n_themes
    taken.update(name.lower() for name in fixed if name)
    theme_of = np.asarray(theme_of)
    if terms is None:
        terms = span_terms(spans, languages, mask)
    best_form = terms.shown()

    def show(key: int) -> str:
        return terms.forms[best_form[key]] if best_form[key] >= 0 else terms.keys[key]

    docs, keys = terms.doc_keys()
    pooled = _ctfidf(docs, keys, terms.keys, theme_of, n_themes, n_keywords)
    by_language: dict[str, list[list[int]]] = {}
    langs = np.asarray(languages)
    for lang in sorted(set(languages) - {"unknown"}):
        mask_l = langs == lang
        if mask_l.sum() < 5:
            continue
        renumber = np.cumsum(mask_l) - 1  # span index -> index among this language's spans
        keep = mask_l[docs]
        by_language[lang] = _ctfidf(renumber[docs[keep]], keys[keep], terms.keys, theme_of[mask_l],
                                    n_themes, n_keywords)
    out = []
    for t in range(n_themes):
        in_theme = theme_of == t
        members = np.flatnonzero(in_theme)
        share_label_lang = (langs[in_theme] == label_language).mean() if in_theme.any() else 0.0
        words = by_language.get(label_language, [[]] * n_themes)[t] \
            if share_label_lang >= min_language_share else []
        words = words or pooled[t]
        # similarities equal to 4 decimals are a tie, broken by row order: the last float bits
        # differ between engines and library versions, the quotes must not
        central = members[np.argsort(-np.round(similarity[members], 4), kind="stable")]
        label = fixed[t] \
            or _short_name(central, spans, langs, label_language, terms, set(words[:label_words]), taken, mask) \
            or " / ".join(show(k) for k in words[:label_words]) or "(no keywords)"
        taken.add(label.lower())
        examples = _pick_examples(central, spans, langs, n_examples)
        out.append(ThemeLabel(
            label=label,
            keywords=[show(k) for k in pooled[t]],
            keywords_by_language={lang: [show(k) for k in kws[t]] for lang, kws in by_language.items()
                                  if kws[t]},
            examples=examples,
        ))
    return out


NAME_WORDS = (2, 6)  # a name is a short phrase, not a sentence
NAME_CANDIDATES = 200  # how far down the theme's most central mentions a name is looked for
_WORD = re.compile(r"\w+")


def _short_name(central: np.ndarray, spans: list[str], languages: np.ndarray, language: str, terms: SpanTerms,
                keys: set[int], taken: set[str], mask: bool) -> str | None:
    """The most central mention in ``language`` of 2-6 words (without the "but" that opens it)
    that uses one of ``keys`` and names no other theme yet, as a name (first letter upper case, no
    end punctuation); None if none."""
    for idx in central[:NAME_CANDIDATES]:
        if languages[idx] != language:
            continue
        text = " ".join(mention_core(spans[idx]).split()).strip(" .,;:!?…-–—\"'«»()")
        n_words = len(_WORD.findall(text))
        if not NAME_WORDS[0] <= n_words <= NAME_WORDS[1]:
            continue
        used = terms.pair_key[terms.pairs[terms.offsets[idx]:terms.offsets[idx + 1]]]
        if not keys.intersection(used.tolist()):
            continue
        name = mask_pii(text) if mask else text
        name = name[:1].upper() + name[1:]
        if name.lower() not in taken:
            return name
    return None


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
