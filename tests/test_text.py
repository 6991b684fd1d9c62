"""Cleaning, clause splitting, language identification and lemmatized keywords."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from themes.text.clean import clean_text
from themes.text.language import detect_languages
from themes.text.lemmas import content_terms
from themes.text.split import split_clauses


def test_clean_removes_urls_handles_markup_but_keeps_words():
    raw = "<p>@AirBaltic the app&amp;site <b>crash</b> https://t.co/x  all   day</p>"
    assert clean_text(raw) == "the app&site crash all day"


PIECES = [*"ab Яā.-+*_#`[]()<>/&;@:\t\n\r\u00a0\u200b\u2003", "http://", "HTTPS://", "www.", "WwW.", "&amp;",
          "&#42;", "&#35;", "&lt;b&gt;", "<b>", "**", "- ", "\n+ ", "  ", "[a](b)"]


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.booleans(), st.booleans(), st.booleans(),
       st.integers(1, 40))
def test_the_checks_before_each_rule_never_change_what_it_cleans(text, urls, mentions, markup, max_chars):
    """Each rule runs only when its text holds what it could find: that must never change a result
    (the reference: every rule run on every text, spaces collapsed as runs of one or more)."""
    import html
    import re

    from themes.text import clean as rules

    reference = text
    if markup:
        reference = html.unescape(rules._TAG.sub(" ", reference))
        reference = rules._MARKDOWN.sub(lambda m: m.group(2) or " ", reference)
    if urls:
        reference = rules._URL.sub(" ", reference)
    if mentions:
        reference = rules._MENTION.sub(" ", reference)
    reference = re.sub(r"[ \t\u00a0\u200b]+", " ", reference)
    reference = rules._NEWLINES.sub("\n", reference).strip()[:max_chars]
    assert clean_text(text, urls=urls, mentions=mentions, markup=markup, max_chars=max_chars) == reference


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


@pytest.mark.parametrize("text, language, clauses", [
    ("Thanks! My flight was cancelled and nobody called.", "en",
     ["Thanks! My flight was cancelled and nobody called."]),
    ("Спасибо! Доставка опоздала на три дня.", "ru", ["Спасибо! Доставка опоздала на три дня."]),
    ("Paldies! Kurjers kavējās trīs dienas.", "lv", ["Paldies! Kurjers kavējās trīs dienas."]),
    ("My bag is lost. Help!", "en", ["My bag is lost. Help!"]),
    ("Nice, but pricey.", "en", ["Nice", "but pricey."]),  # each side of a contrast has its own tone
    ("Ok! Nice, but pricey.", "en", ["Ok! Nice", "but pricey."]),  # joined to a fragment, still a side
    ("The food was great. The service was slow.", "en", ["The food was great.", "The service was slow."]),
])
def test_split_joins_sentences_that_name_no_topic(text, language, clauses):
    assert split_clauses(text, min_words=2, language=language) == clauses


def test_shared_values_are_the_column_with_one_object_per_distinct_value():
    import pandas as pd

    from themes.engine.blocks import shared_values

    column = pd.Series(["en", "ru", "en", "lv", "ru"] * 3, dtype="str")
    values = shared_values(column)
    assert values.dtype == object and values.tolist() == column.tolist()
    assert values[0] is values[2] and values[1] is values[4]
    missing = shared_values(pd.Series(["a", None, "a"], dtype=object))  # a missing value keeps its row
    assert missing[0] == missing[2] == "a" and pd.isna(missing[1])


def test_text_columns_read_rows_across_their_parts_in_any_order():
    import numpy as np
    import pandas as pd

    from themes.engine.blocks import TextColumns
    from themes.text.split import mention_core

    spans = pd.Series(["but the courier was rude", "но курьер хамил", "bet kurjers bija rupjš", "fast delivery",
                       ""] * 3, index=range(50, 65))
    comments = ["but slow", "ok"]
    texts = TextColumns((spans, mention_core), (comments, None))
    whole = [mention_core(s) for s in spans] + comments
    assert len(texts) == 17 and whole[0] == "the courier was rude" and whole[-2] == "but slow"
    assert [t for _, block in texts.blocks(4) for t in block] == whole == texts.tolist()
    # a block ends where a part does, and says the row it starts at
    assert [(start, len(block)) for start, block in texts.blocks(4)] == [(0, 4), (4, 4), (8, 4), (12, 3), (15, 2)]
    rows = np.array([16, 0, 15, 2, 2, 7])
    assert texts.take(rows) == [whole[i] for i in rows]
    assert texts.take(np.array([], int)) == [] and list(TextColumns((spans.iloc[:0], None)).blocks()) == [(0, [])]


def test_rows_taken_from_a_column_in_many_chunks_do_not_copy_it():
    # the clauses are a column in many Arrow chunks (made a block of comments at a time); Arrow's
    # take of such a column copies every chunk into one first, for each batch the embed stage reads
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from themes.engine.blocks import TextColumns, take_rows

    texts = [f"clause number {i} of the export " * 3 for i in range(20_000)]
    chunks = [pa.array(texts[i:i + 1000], type=pa.large_string()) for i in range(0, 20_000, 1000)]
    column = pd.Series(pa.chunked_array(chunks), dtype="str", index=range(7, 20_007))
    frame = pd.DataFrame({"span": column, "order": np.arange(20_000)}, index=column.index)
    assert pa.chunked_array(column).num_chunks == 20
    rows = np.random.default_rng(0).integers(0, 20_000, 300)  # across chunks, repeats, any order
    expected = frame.iloc[rows]
    pool, default = pa.proxy_memory_pool(pa.default_memory_pool()), pa.default_memory_pool()
    pa.set_memory_pool(pool)
    try:
        got = TextColumns((column, str.upper), (texts[:5], None)).take(np.r_[rows, 20_003, 0])
        sample = take_rows(frame, rows)
        # as Python values: Arrow buffers from the pool must not outlive it
        dtypes, index, columns = sample.dtypes.tolist(), sample.index.tolist(), sample.to_dict("list")
        del sample
    finally:
        pa.set_memory_pool(default)
    assert got == [texts[i].upper() for i in rows] + [texts[3], texts[0].upper()]
    assert dtypes == expected.dtypes.tolist() and index == expected.index.tolist()
    assert columns == expected.to_dict("list")
    # what Arrow allocated is about the rows taken, not the column (the copy: 2.1 MB)
    column_bytes = pa.chunked_array(column).nbytes
    assert pool.max_memory() < column_bytes / 20, (pool.max_memory(), column_bytes)


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

    from themes.analysis import labels
    from themes.analysis.labels import span_terms

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

    from themes.analysis import labels

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


def test_a_theme_is_named_by_its_most_central_short_mention_that_uses_its_keywords():
    import numpy as np

    from themes.analysis.labels import label_themes

    spans = ["but the courier was three days late", "Courier late again!", "courier late, call +371 29123456",
             "thanks", "The parcel was lost and nobody at the depot ever answered my many calls about it",
             "The app crashes at checkout", "app crashes", "Приложение вылетает", "app crash", "Thank you so much"]
    languages = ["en", "en", "en", "en", "en", "en", "en", "ru", "en", "en"]
    theme_of = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    similarity = np.array([0.9, 0.8, 0.95, 0.99, 0.97, 0.9, 0.8, 0.99, 0.7, 0.95])
    got = label_themes(spans, languages, theme_of, similarity, 2)
    # the most central mentions are too short ("thanks"), too long or use no keyword; the next
    # one's phone number is masked and its first letter raised
    assert got[0].label.startswith("Courier late, call") and "29123456" not in got[0].label
    assert got[1].label == "The app crashes at checkout"  # the Russian one is not in the label language
    taken = {got[0].label.lower(), "the app crashes at checkout"}  # a name given already is not given twice
    again = label_themes(spans, languages, theme_of, similarity, 2, taken=taken)
    assert again[0].label == "The courier was three days late"  # the "but" that opened it dropped
    assert again[1].label == "App crashes" and "app crashes" in taken
    # a fixed label (an aspect's name, a codeframe's) is kept, reserved, and takes no mention's name
    taken = set()
    fixed = label_themes(spans, languages, theme_of, similarity, 2, fixed=["Delivery and shipping", None],
                         taken=taken)
    assert fixed[0].label == "Delivery and shipping" and fixed[1].label == "The app crashes at checkout"
    assert taken == {"delivery and shipping", "the app crashes at checkout"}
