"""Emotion and effort flags: the editable rules (negation, vetoes, capitals), the embedding head
or-ed with them, and the flag columns a run writes."""

from __future__ import annotations

import numpy as np
import pytest

from themes.analysis.flags import FLAGS, Flagger, FlagHead, FlagRules
from themes.errors import ThemesError


@pytest.fixture(scope="module")
def rules():
    return FlagRules.load()


@pytest.mark.parametrize("text, flag", [
    ("I had to call three times before anyone listened", "effort"),
    ("Пришлось звонить трижды", "effort"),
    ("Nācās zvanīt trīs reizes", "effort"),
    ("I am furious about the fees", "anger"),
    ("Я в бешенстве", "anger"),
    ("Esmu dusmīgs", "anger"),
    ("Really disappointed this time", "disappointment"),
    ("К сожалению, стало хуже", "disappointment"),
    ("Diemžēl kvalitāte kritās", "disappointment"),
    ("Thank you for the quick help", "gratitude"),
    ("Спасибо курьеру", "gratitude"),
    ("Paldies par palīdzību", "gratitude"),
])
def test_rules_find_each_flag_in_each_language(rules, text, flag):
    found = rules.flags_of(text)
    assert found[flag]
    assert [f for f in FLAGS if found[f]] == [flag]


@pytest.mark.parametrize("text", ["Not angry at all, just a remark", "Я не злюсь", "Neesmu dusmīgs",
                                  "I never had to call twice", "Delivery was on time"])
def test_negated_or_absent_wording_raises_no_flag(rules, text):
    assert not any(rules.flags_of(text).values())


def test_sarcastic_thanks_is_anger_not_gratitude(rules):
    for text in ("Thanks for nothing", "Спасибо за ничего", "Paldies par neko"):
        found = rules.flags_of(text)
        assert found["anger"] and not found["gratitude"], text


def test_shouting_counts_as_anger(rules):
    assert rules.flags_of("WORST DELIVERY SERVICE")["anger"]
    assert not rules.flags_of("OK")["anger"]  # too short to be shouting
    assert not rules.flags_of("The delivery service")["anger"]


def test_a_broken_rule_file_names_itself(tmp_path):
    bad = tmp_path / "flags.yaml"
    bad.write_text("flags:\n  anger: {en: ['(unclosed']}\n", encoding="utf-8")
    with pytest.raises(ThemesError, match=r"flags\.yaml"):
        FlagRules.load(bad)


def test_the_head_adds_to_the_rules_and_round_trips(rules, tmp_path):
    X = np.eye(4, 8, dtype=np.float32)
    weights = np.zeros((8, 4), np.float32)
    weights[0, FLAGS.index("effort")] = 10.0  # the first vector is effort to the head
    head = FlagHead(weights, np.full(4, -5.0, np.float32), {"n_train": 0})
    head.save(tmp_path)
    again = FlagHead.load(tmp_path)
    texts = ["plain words", "plain words", "Thank you!", "plain words"]
    found = Flagger(rules, again).frame(texts, X)
    assert found["effort"].tolist() == [True, False, False, False]
    assert found["gratitude"].tolist() == [False, False, True, False]
    assert not Flagger(rules).frame(texts, X)["effort"].any()  # rules alone


def test_a_run_writes_flags_per_mention_comment_and_theme(analysed):
    result, _ = analysed
    m, c, t = result.mentions, result.comments, result.themes
    for flag in FLAGS:
        assert m[flag].dtype == bool and c[flag].dtype == bool
        any_mention = m.groupby("id")[flag].any().reindex(c["id"], fill_value=False).to_numpy()
        assert (c[flag].to_numpy() == any_mention).all()
        assert t[f"{flag}_share"].dropna().between(0, 1).all()
    assert result.summary["flags"]["comments"] == {f: int(c[f].sum()) for f in FLAGS}
    # on the sample, what is flagged as gratitude reads warmer than what is flagged as anger
    assert m["gratitude"].any() and m["anger"].any()
    assert m.loc[m["gratitude"], "sentiment"].mean() > 0.5 > -0.5 > m.loc[m["anger"], "sentiment"].mean()
