"""Write examples/feedback.csv: a synthetic NPS export written by the project itself.

~600 comments in English, Russian and Latvian over four quarters of 2024, with a channel and
a customer segment. Each comment mentions one or two themes; each theme has a planted effect
on the 0-10 score (delivery delays and app crashes hurt most, friendly staff helps), so a
good analysis should rank them in that order. Deterministic: same file on every run.

    python examples/make_sample.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

# theme -> (effect on the score, {language: [phrases]})
THEMES: dict[str, tuple[float, dict[str, list[str]]]] = {
    "delivery_delay": (-4.0, {
        "en": ["My order arrived two weeks late", "Delivery took forever, still waiting for the parcel",
               "The courier was three days late", "Shipping is painfully slow", "The package was delayed again",
               "Delivery was late and nobody told me why"],
        "ru": ["Заказ привезли на две недели позже", "Доставка идёт вечность, до сих пор жду посылку",
               "Курьер опоздал на три дня", "Доставка очень медленная", "Посылку снова задержали",
               "Доставку задержали и никто не объяснил почему"],
        "lv": ["Pasūtījums atnāca divas nedēļas vēlāk", "Piegāde ilga mūžību, joprojām gaidu sūtījumu",
               "Kurjers kavējās trīs dienas", "Piegāde ir ļoti lēna", "Sūtījums atkal aizkavējās",
               "Piegāde kavējās un neviens nepaskaidroja kāpēc"],
    }),
    "rude_support": (-3.0, {
        "en": ["Customer support was rude to me", "The support agent was unhelpful and impolite",
               "Support hung up on me twice", "Nobody at the help desk cared about my problem",
               "The call centre staff were rude and dismissive"],
        "ru": ["Служба поддержки мне грубила", "Оператор поддержки был груб и ничем не помог",
               "В поддержке дважды бросили трубку", "В поддержке никому нет дела до моей проблемы",
               "Сотрудники колл-центра хамят"],
        "lv": ["Klientu atbalsts pret mani bija rupjš", "Atbalsta darbinieks bija nepieklājīgs un nepalīdzēja",
               "Atbalsta dienests divreiz nometa klausuli", "Klientu apkalpošanā nevienam nerūp mana problēma",
               "Zvanu centra darbinieki ir rupji"],
    }),
    "app_crash": (-3.5, {
        "en": ["The app keeps crashing when I open my cart", "The mobile app freezes and closes",
               "App crashes every time I try to pay", "After the update the app does not even start",
               "The app is buggy and logs me out"],
        "ru": ["Приложение постоянно вылетает при открытии корзины", "Мобильное приложение зависает и закрывается",
               "Приложение падает каждый раз при оплате", "После обновления приложение даже не запускается",
               "Приложение глючит и выкидывает из аккаунта"],
        "lv": ["Lietotne pastāvīgi avarē, kad atveru grozu", "Mobilā lietotne uzkaras un aizveras",
               "Lietotne avarē katru reizi, kad mēģinu samaksāt", "Pēc atjauninājuma lietotne pat nestartē",
               "Lietotnē ir kļūdas un tā mani izlogo"],
    }),
    "high_prices": (-2.0, {
        "en": ["Prices are too high compared to other shops", "Everything got more expensive this year",
               "Too expensive for what you get", "The delivery fee is way too high"],
        "ru": ["Цены слишком высокие по сравнению с другими магазинами", "В этом году всё подорожало",
               "Слишком дорого за такое качество", "Стоимость доставки слишком высокая"],
        "lv": ["Cenas ir pārāk augstas salīdzinot ar citiem veikaliem", "Šogad viss kļuva dārgāks",
               "Pārāk dārgi par to, ko saņem", "Piegādes maksa ir pārāk augsta"],
    }),
    "refund_problem": (-3.0, {
        "en": ["I am still waiting for my refund after a month", "The refund process is a nightmare",
               "They refused to return my money for a broken item", "Returning the product was complicated"],
        "ru": ["Уже месяц жду возврат денег", "Оформить возврат невозможно",
               "Отказались вернуть деньги за сломанный товар", "Вернуть товар оказалось очень сложно"],
        "lv": ["Jau mēnesi gaidu naudas atmaksu", "Atmaksas process ir murgs",
               "Atteicās atmaksāt naudu par bojātu preci", "Preces atgriešana bija ļoti sarežģīta"],
    }),
    "friendly_staff": (+1.5, {
        "en": ["The staff in the store were friendly and helpful", "Lovely staff, very kind and patient",
               "The consultant gave me great advice", "Friendly people, always smiling"],
        "ru": ["Персонал в магазине вежливый и отзывчивый", "Очень приятные и терпеливые сотрудники",
               "Консультант дал отличный совет", "Дружелюбные люди, всегда улыбаются"],
        "lv": ["Veikala darbinieki bija draudzīgi un izpalīdzīgi", "Jauki darbinieki, ļoti laipni un pacietīgi",
               "Konsultants deva lielisku padomu", "Draudzīgi cilvēki, vienmēr smaida"],
    }),
    "product_quality": (+1.0, {
        "en": ["Great quality products, everything works", "The products are durable and well made",
               "Excellent quality for the price", "The items look exactly like the photos"],
        "ru": ["Отличное качество товаров, всё работает", "Товары прочные и хорошо сделаны",
               "Прекрасное качество за свои деньги", "Товары выглядят точно как на фото"],
        "lv": ["Lieliska preču kvalitāte, viss darbojas", "Preces ir izturīgas un labi izgatavotas",
               "Izcila kvalitāte par šo cenu", "Preces izskatās tieši kā bildēs"],
    }),
    "easy_checkout": (+0.5, {
        "en": ["Checkout on the website is quick and easy", "Ordering online took two minutes",
               "The website is easy to use", "Paying by card was simple and fast"],
        "ru": ["Оформить заказ на сайте быстро и просто", "Заказ онлайн занял две минуты",
               "Сайтом удобно пользоваться", "Оплата картой простая и быстрая"],
        "lv": ["Pasūtījuma noformēšana mājaslapā ir ātra un vienkārša", "Pasūtīt tiešsaistē aizņēma divas minūtes",
               "Mājaslapa ir ērti lietojama", "Maksāt ar karti bija vienkārši un ātri"],
    }),
}
# how often each theme is mentioned (relative)
FREQUENCY = {"delivery_delay": 18, "rude_support": 10, "app_crash": 12, "high_prices": 14, "refund_problem": 7,
             "friendly_staff": 15, "product_quality": 14, "easy_checkout": 10}
JOIN = {"en": [". ", ", and ", ". Also, ", " but "], "ru": [". ", ", а ещё ", ". Кроме того, ", ", но "],
        "lv": [". ", ", un ", ". Turklāt ", ", bet "]}
SHORT = {"en": ["ok", "Fine", "👍", "No comment", "-"], "ru": ["норм", "Всё ок", "👍"], "lv": ["ok", "Viss labi", "👍"]}
LANG_WEIGHTS = {"en": 0.42, "ru": 0.30, "lv": 0.28}
CHANNELS = ["email survey", "mobile app", "website", "call centre"]
SEGMENTS = ["new", "regular", "vip"]


def make_rows(n: int = 600, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    names = list(FREQUENCY)
    weights = [FREQUENCY[t] for t in names]
    rows = []
    start = date(2024, 1, 1)
    for i in range(n):
        lang = rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]
        day = start + timedelta(days=rng.randrange(366))
        channel = rng.choice(CHANNELS)
        segment = rng.choices(SEGMENTS, weights=[3, 5, 2])[0]
        if rng.random() < 0.04:  # content-free answers happen in every survey
            text, themes = rng.choice(SHORT[lang]), []
            lang = "unknown" if len(text) < 4 else lang
        else:
            k = 1 if rng.random() < 0.6 else 2
            themes = []
            while len(themes) < k:
                t = rng.choices(names, weights=weights)[0]
                if t not in themes:
                    themes.append(t)
            phrases = [rng.choice(THEMES[t][1][lang]) for t in themes]
            if len(phrases) == 2:
                mixed = (THEMES[themes[0]][0] > 0) != (THEMES[themes[1]][0] > 0)
                joiner = JOIN[lang][3] if mixed else rng.choice(JOIN[lang][:3])
                second = phrases[1][0].lower() + phrases[1][1:] if joiner[-2:] != ". " else phrases[1]
                text = phrases[0] + joiner + second + rng.choice([".", "!", ""])
            else:
                text = phrases[0] + rng.choice([".", "!", "", "..."])
        base = 8.3 + sum(THEMES[t][0] for t in themes) + rng.gauss(0, 1.3)
        score = int(min(10, max(0, round(base))))
        rows.append({"themes": ";".join(themes), "response_id": f"R{i + 1:04d}", "date": day.isoformat(),
                     "channel": channel,
                     "customer_segment": segment, "language": lang, "nps": score, "comment": text})
    # a few rows a real export would have: no comment at all, and a score that is not a number
    rows[17 % n]["comment"] = ""
    rows[(n * 2) // 5]["nps"] = "n/a - skipped"
    # personal data that must be masked in every output
    rows[41 % n]["comment"] += " Call me at +371 29 123 456 or write to anna.ozola@example.lv"
    return rows


def main() -> None:
    path = Path(__file__).resolve().parent / "feedback.csv"
    rows = make_rows()
    fields = ["response_id", "date", "channel", "customer_segment", "nps", "comment"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
