"""Cleaning, clause splitting, language identification and lemmatized keywords."""

import pytest

from themes.text.clean import clean_text
from themes.text.language import detect_languages
from themes.text.lemmas import content_terms
from themes.text.split import split_clauses


def test_clean_removes_urls_handles_markup_but_keeps_words():
    raw = "<p>@AirBaltic the app&amp;site <b>crash</b> https://t.co/x  all   day</p>"
    assert clean_text(raw) == "the app&site crash all day"


@pytest.mark.parametrize("text, clauses", [
    ("Fast delivery but the courier was rude.", ["Fast delivery", "but the courier was rude."]),
    ("Доставка быстрая, но курьер хамил", ["Доставка быстрая", "но курьер хамил"]),
    ("Ātra piegāde, bet kurjers bija rupjš", ["Ātra piegāde", "bet kurjers bija rupjš"]),
    ("Great app!!!Crashes though", ["Great app!!!", "Crashes though"]),
    ("Too slow. Too expensive; rude staff", ["Too slow.", "Too expensive", "rude staff"]),
    ("ok", ["ok"]),
])
def test_split_clauses(text, clauses):
    assert split_clauses(text) == clauses


def test_mention_cores_is_mention_core_of_every_span():
    import pandas as pd

    from themes.text.split import mention_core, mention_cores

    spans = pd.Series(["but the courier was rude", "но курьер хамил", "bet kurjers bija rupjš", "fast delivery",
                       ""] * 3, index=range(50, 65))
    cores = mention_cores(spans)
    assert cores.tolist() == [mention_core(s) for s in spans] and cores.iloc[0] == "the courier was rude"
    assert len(mention_cores(spans.iloc[:0])) == 0


def test_split_never_loses_text_on_long_comments():
    text = ". ".join(f"point number {i}" for i in range(20))
    clauses = split_clauses(text, max_clauses=5)
    assert len(clauses) == 5
    assert all(f"number {i}" in " ".join(clauses) for i in range(20))


@pytest.mark.parametrize("backend", ["py3langid", "langdetect"])
def test_language_identification(backend):
    texts = ["The flight was delayed for three hours and nobody told us",
             "Рейс задержали на три часа и никто ничего не объяснил",
             "Reiss kavējās trīs stundas un neviens neko nepaskaidroja",
             "ok", "👍👍", "10/10"]
    assert detect_languages(texts, backend=backend) == ["en", "ru", "lv", "unknown", "unknown", "unknown"]


def test_langdetect_is_deterministic():
    texts = ["Atra piegade bet kurjers bija rupjs", "Good but slow"] * 3
    assert detect_languages(texts, backend="langdetect") == detect_languages(texts, backend="langdetect")


def test_keywords_merge_inflections_and_drop_stop_words():
    en = [k for k, _ in content_terms("The flights were delayed, delays and more delay", "en")]
    assert en.count("delay") == 3 and "the" not in en and "were" not in en
    ru = [k for k, _ in content_terms("Задержка рейса, задержки рейсов, задержку", "ru")]
    assert ru.count("задержка") == 3 and ru.count("рейс") == 2
    lv = [k for k, _ in content_terms("Piegāde kavējās, piegādes kavēšanās, kavējas", "lv")]
    assert lv.count("piegāde") == 2 and len(set(lv)) == 3


def test_masked_personal_data_never_becomes_a_keyword():
    terms = [k for k, _ in content_terms("Write to [EMAIL] or call [PHONE] about the refund", "en")]
    assert terms == ["write", "call", "refund"]  # no "email", no "phone"


def test_short_comments_follow_the_exports_language_mix():
    """Alone, "Terrible service" reads as French; in an export of English, Russian and
    Latvian comments the language mix learnt from the long comments corrects it."""
    long = (["The flight was delayed for three hours and nobody told us anything at all"] * 20
            + ["Рейс задержали на три часа и никто ничего нам вообще не объяснил"] * 10
            + ["Reiss kavējās trīs stundas un neviens neko mums nepaskaidroja"] * 10)
    short = ["Terrible service", "No comment", "Paldies", "Отлично", "ok"]
    assert detect_languages(short)[:2] != ["en", "en"]
    assert detect_languages(long + short)[-5:] == ["en", "en", "lv", "ru", "unknown"]


def test_span_terms_arrays_hold_what_a_list_of_words_per_span_would(monkeypatch):
    """The label stage keeps each mention's words as integer arrays (SpanTerms); every question it
    asks of them (which keys a span uses, the most frequent form of a key, a subset of spans)
    has the answer a plain list of (key, form) per span gives."""
    from collections import Counter

    import numpy as np

    from themes import labels
    from themes.labels import span_terms

    rng = np.random.default_rng(0)
    words = ["delays", "delay", "delayed", "Delay", "rude", "staff", "задержки", "задержка", "kavēšanās",
             "kavējās", "refund", "refunds", "the", "was"]
    spans = [" ".join(rng.choice(words, size=rng.integers(0, 6))) for _ in range(300)]
    languages = [rng.choice(["en", "ru", "lv"]) for _ in spans]
    terms = span_terms(spans, languages)
    plain = [content_terms(s, lang) for s, lang in zip(spans, languages)]
    assert len(terms) == len(spans)
    for rows in (np.arange(len(spans)), rng.choice(len(spans), 120, replace=False), np.array([], int)):
        part = terms.take(rows)
        expected = [plain[i] for i in rows]
        # each span's words, in order
        got = [[(part.keys[part.pair_key[p]], part.forms[p]) for p in part.pairs[part.offsets[i]:part.offsets[i + 1]]]
               for i in range(len(part))]
        assert got == expected
        # the set of keys per span, built in blocks of spans (7 here: many blocks) as in one
        want = sorted({(i, key) for i, ws in enumerate(expected) for key, _ in ws})
        for block in (7, labels.DOC_BLOCK):
            monkeypatch.setattr(labels, "DOC_BLOCK", block)
            docs, keys = part.doc_keys()
            assert sorted(zip(docs.tolist(), (part.keys[k] for k in keys))) == want
            pairs = list(zip(docs.tolist(), keys.tolist()))
            assert pairs == sorted(pairs)  # in span order, each span's keys once
        # the most frequent form of each key, ties to the form seen first (Counter.most_common)
        forms: dict[str, Counter] = {}
        for ws in expected:
            for key, form in ws:
                forms.setdefault(key, Counter())[form] += 1
        best = part.shown()
        assert {part.keys[k]: part.forms[best[k]] for k in range(len(part.keys)) if best[k] >= 0} == \
            {key: c.most_common(1)[0][0] for key, c in forms.items()}


def test_keywords_counted_in_blocks_are_the_keywords_counted_at_once(monkeypatch):
    import numpy as np

    from themes import labels

    rng = np.random.default_rng(4)
    words = ["delay", "delays", "rude", "staff", "refund", "seat", "food", "cold", "задержка", "kavējās"]
    spans = [" ".join(rng.choice(words, size=rng.integers(1, 5))) for _ in range(400)]
    languages = [rng.choice(["en", "ru", "lv"]) for _ in spans]
    theme_of = rng.integers(0, 4, len(spans))
    similarity = rng.random(len(spans))

    def run():
        return labels.label_themes(spans, languages, theme_of, similarity, 4)

    whole = run()
    monkeypatch.setattr(labels, "DOC_BLOCK", 5)
    assert run() == whole and any(label.keywords for label in whole)
