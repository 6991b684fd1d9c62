"""Labelled theme benchmark sets: texts with a gold theme, read from ../shared/data (evaluation
only, never shipped) and from the project's own parallel sentences (benchmarks/data).

Each loader returns a DataFrame with columns ``text``, ``gold`` and, where it applies,
``language``, ``group`` (translations of one sentence share a group) and ``fine`` (a finer gold
level, e.g. banking77's 77 intents under the project's 10 top-level areas).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from common import SHARED

HERE = Path(__file__).resolve().parent


def airline() -> pd.DataFrame:
    """Negative US airline tweets; gold: the annotators' complaint reason (CC BY-NC-SA)."""
    tweets = pd.read_csv(SHARED / "en_twitter_us_airline_sentiment" / "Tweets.csv")
    negative = tweets[tweets["airline_sentiment"] == "negative"]
    return pd.DataFrame({"text": negative["text"].to_numpy(), "gold": negative["negativereason"].to_numpy()})


def semeval_restaurants() -> pd.DataFrame:
    """SemEval-2014 restaurant sentences (train + test) with exactly one aspect category."""
    rows = []
    folder = SHARED / "en_semeval_absa_2014_2016" / "ABSA-SemEval2014"
    for name in ("Restaurants_Train_v2.xml", "Restaurants_Test_Data_phaseB.xml"):
        for sentence in ET.parse(folder / name).getroot().iter("sentence"):
            categories = {c.get("category") for c in sentence.iter("aspectCategory")}
            if len(categories) == 1:
                rows.append({"text": sentence.findtext("text").strip(), "gold": categories.pop()})
    return pd.DataFrame(rows).drop_duplicates("text").reset_index(drop=True)


def semeval_polar() -> pd.DataFrame:
    """SemEval-2014 restaurant sentences with one aspect category other than
    anecdotes/miscellaneous and a positive or negative polarity (1,254): ``gold`` the category,
    ``polarity`` its polarity. The gold categories carry NMI 0.037 with polarity."""
    rows = []
    folder = SHARED / "en_semeval_absa_2014_2016" / "ABSA-SemEval2014"
    for name in ("Restaurants_Train_v2.xml", "Restaurants_Test_Data_phaseB.xml"):
        for sentence in ET.parse(folder / name).getroot().iter("sentence"):
            found = [(c.get("category"), c.get("polarity")) for c in sentence.iter("aspectCategory")]
            if len({c for c, _ in found}) == 1:
                rows.append({"text": sentence.findtext("text").strip(), "gold": found[0][0], "polarity": found[0][1]})
    frame = pd.DataFrame(rows).drop_duplicates("text")
    keep = (frame["gold"] != "anecdotes/miscellaneous") & frame["polarity"].isin(["positive", "negative"])
    return frame[keep].reset_index(drop=True)


def mams() -> pd.DataFrame:
    """MAMS-ACSA test sentences (Apache-2.0): every sentence names two or more aspect categories,
    usually with opposite polarities; ``aspects``: the categories, ';'-joined."""
    rows = []
    for sentence in ET.parse(SHARED / "en_mams_acsa" / "test.xml").getroot().iter("sentence"):
        cats = sorted({c.get("category") for c in sentence.iter("aspectCategory")})
        rows.append({"text": sentence.findtext("text").strip(), "aspects": ";".join(cats)})
    return pd.DataFrame(rows).drop_duplicates("text").reset_index(drop=True)


# banking77's intents grouped into the areas a bank's codeframe would have (written by the project)
BANKING_AREAS = {
    "card delivery & activation": ["card_arrival", "card_delivery_estimate", "card_linking", "activate_my_card",
                                   "get_physical_card", "order_physical_card", "getting_spare_card",
                                   "card_about_to_expire", "card_acceptance", "country_support"],
    "card problems": ["card_not_working", "card_swallowed", "compromised_card", "lost_or_stolen_card",
                      "lost_or_stolen_phone", "declined_card_payment", "pin_blocked", "change_pin",
                      "virtual_card_not_working", "get_disposable_virtual_card", "disposable_card_limits",
                      "getting_virtual_card", "visa_or_mastercard", "contactless_not_working"],
    "card payments": ["card_payment_fee_charged", "card_payment_not_recognised", "card_payment_wrong_exchange_rate",
                      "reverted_card_payment?", "pending_card_payment", "direct_debit_payment_not_recognised"],
    "cash & ATM": ["atm_support", "cash_withdrawal_charge", "cash_withdrawal_not_recognised",
                   "declined_cash_withdrawal", "pending_cash_withdrawal", "wrong_amount_of_cash_received",
                   "wrong_exchange_rate_for_cash_withdrawal"],
    "top-ups": ["top_up_by_bank_transfer_charge", "top_up_by_card_charge", "top_up_by_cash_or_cheque",
                "top_up_failed", "top_up_limits", "top_up_reverted", "topping_up_by_card", "pending_top_up",
                "verify_top_up", "automatic_top_up", "apple_pay_or_google_pay"],
    "transfers": ["balance_not_updated_after_bank_transfer", "balance_not_updated_after_cheque_or_cash_deposit",
                  "beneficiary_not_allowed", "cancel_transfer", "declined_transfer", "failed_transfer",
                  "pending_transfer", "transfer_fee_charged", "transfer_into_account",
                  "transfer_not_received_by_recipient",
                  "transfer_timing", "receiving_money", "transaction_charged_twice"],
    "exchange & currencies": ["exchange_charge", "exchange_rate", "exchange_via_app", "fiat_currency_support",
                              "supported_cards_and_currencies", "extra_charge_on_statement"],
    "identity & verification": ["unable_to_verify_identity", "verify_my_identity", "why_verify_identity",
                                "verify_source_of_funds", "passcode_forgotten"],
    "account & profile": ["edit_personal_details", "terminate_account", "age_limit"],
    "refunds": ["request_refund", "Refund_not_showing_up"],
}


def banking() -> pd.DataFrame:
    """banking77 test split (CC BY 4.0): gold = the project's 10 areas, fine = the 77 intents."""
    frame = pd.read_csv(SHARED / "en_banking77_intents" / "test.csv")
    area = {intent: name for name, intents in BANKING_AREAS.items() for intent in intents}
    frame["gold"] = frame["category"].map(area)
    return pd.DataFrame({"text": frame["text"], "gold": frame["gold"], "fine": frame["category"]})


def parallel() -> pd.DataFrame:
    """The project's parallel sentences: 10 complaint themes x 6 sentences, each in en, ru, lv."""
    wide = pd.read_csv(HERE / "data" / "parallel_themes.csv")
    long = wide.melt(id_vars=["group", "theme"], value_vars=["en", "ru", "lv"], var_name="language",
                     value_name="text")
    return long.rename(columns={"theme": "gold"})[["text", "gold", "language", "group"]]


# head words of Russian restaurant aspect terms (lemmas), by category; written by the project
RU_ASPECTS = {
    "food": "кухня еда блюдо порция меню салат десерт мясо ролл сушить суши паста пицца повар шеф-повар горячий "
            "горячее соус шашлык стейк закуска суп супчик рыба тирамис тирамису подача лосось торт рис наполеон сыр "
            "мороженое фрукт хинкали хлеб хачапури булочка гренка курица тесто улитка панакот говядина свинина "
            "пюре баклажан борщ продукт овощ филадельфия",
    "service": "обслуживание официант официантка офицантка персонал сервис девушка администратор бармен "
               "администрация сотрудник менеджер приём отношение гардероб обслуживающий няня хостес метрдотель",
    "ambience": "интерьер атмосфера музыка обстановка зал столик диванчик стол диван мебель вид свеча свет "
                "освещение дизайн оформление веранда терраса вентиляция музыкант песня телевизор стул помещение "
                "этаж туалет публика уют",
    "drinks": "пиво вино коктейль коктель алкоголь напиток кофе чай шампанский винный",
}


def ru_restaurants() -> pd.DataFrame:
    """SemEval-2016 Russian restaurant reviews (research use): sentences whose aspect terms all
    fall in one category of the project's head-word list above (generic terms such as
    "ресторан" are ignored)."""
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    category = {word: name for name, words in RU_ASPECTS.items() for word in words.split()}
    found: dict[str, set[str]] = {}
    folder = SHARED / "ru_semeval2016_restaurants_apc"
    for name in ("restaurants_train_russian.xml.dat", "restaurants_test_russian.xml.dat"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        for i in range(0, len(lines) - 2, 3):
            term = lines[i + 1].strip()
            sentence = lines[i].replace("$T$", term).strip()
            heads = [category.get(morph.parse(w)[0].normal_form) for w in term.lower().split()]
            cats = found.setdefault(sentence, set())
            cats.update(c for c in heads if c)  # every categorised word of the term
    rows = [{"text": s, "gold": next(iter(c)), "language": "ru"} for s, c in found.items() if len(c) == 1]
    return pd.DataFrame(rows)


SETS = {"airline": airline, "semeval-restaurants": semeval_restaurants, "banking77": banking,
        "ru-restaurants": ru_restaurants, "parallel-en-ru-lv": parallel}
