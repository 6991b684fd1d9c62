"""Mixed-tone comments: one praise clause and one complaint clause, joined by a contrast word
("fast delivery but rude courier"). Written by the project: 60 comments per language (en, ru,
lv), 180 in all, from clauses about different aspects than the bundled sample's. Measures
whether the pipeline splits them into the two clauses and gives each the right tone.

    python benchmarks/mixed_tone.py
"""

from __future__ import annotations

import random

import pandas as pd

from common import add_readme_flag, show

CLAUSES = {
    "en": {
        "positive": ["the packaging was neat and sturdy", "the cashier was very polite", "the food was delicious",
                     "booking the table took a minute", "the room was spotless", "the manager solved it quickly",
                     "the new menu is great", "the store is bright and tidy", "the driver was careful and kind",
                     "the prices this month are fair"],
        "negative": ["the queue was endless", "the coffee was cold", "nobody answered my emails",
                     "the bill was wrong twice", "the toilets were dirty", "the parking is a nightmare",
                     "the music was far too loud", "my order was missing two items", "the chat bot is useless",
                     "the seats were broken"],
        "joins": [" but ", ", however ", ", though "],
    },
    "ru": {
        "positive": ["упаковка аккуратная и прочная", "кассир был очень вежлив", "еда была очень вкусной",
                     "забронировать столик удалось за минуту", "в номере было идеально чисто",
                     "менеджер быстро всё решил", "новое меню отличное", "магазин светлый и опрятный",
                     "водитель был аккуратным и добрым", "цены в этом месяце честные"],
        "negative": ["очередь была бесконечной", "кофе был холодным", "на мои письма никто не ответил",
                     "счёт дважды был неправильным", "туалеты были грязными", "с парковкой просто кошмар",
                     "музыка была слишком громкой", "в заказе не хватало двух товаров", "чат-бот бесполезен",
                     "кресла были сломаны"],
        "joins": [", но ", ", однако ", ", зато "],
    },
    "lv": {
        "positive": ["iepakojums bija glīts un izturīgs", "kasiere bija ļoti pieklājīga", "ēdiens bija garšīgs",
                     "galdiņu rezervēt izdevās minūtē", "istaba bija nevainojami tīra",
                     "vadītājs ātri visu atrisināja", "jaunā ēdienkarte ir lieliska", "veikals ir gaišs un kārtīgs",
                     "šoferis bija uzmanīgs un laipns", "cenas šomēnes ir godīgas"],
        "negative": ["rinda bija bezgalīga", "kafija bija auksta", "neviens neatbildēja uz maniem e-pastiem",
                     "rēķins divreiz bija nepareizs", "tualetes bija netīras", "ar stāvvietu ir murgs",
                     "mūzika bija pārāk skaļa", "pasūtījumā trūka divu preču", "tērzēšanas robots ir bezjēdzīgs",
                     "sēdekļi bija salauzti"],
        "joins": [", bet ", ", taču ", ", tomēr "],
    },
}


def mixed_tone_set(per_language: int = 60, seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for lang, bank in CLAUSES.items():
        for i in range(per_language):
            pos, neg = rng.choice(bank["positive"]), rng.choice(bank["negative"])
            first, second = (pos, neg) if i % 2 == 0 else (neg, pos)
            text = first[0].upper() + first[1:] + rng.choice(bank["joins"]) + second + rng.choice([".", "!", ""])
            rows.append({"language": lang, "text": text, "first": "positive" if first == pos else "negative",
                         "second": "negative" if first == pos else "positive"})
    return pd.DataFrame(rows)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_readme_flag(parser)
    args = parser.parse_args()
    from themes.analysis.sentiment import load_head
    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.engine.config import load_config
    from themes.stages.split import Split
    from themes.text.split import mention_core, split_clauses

    data = mixed_tone_set()
    head = load_head()
    spec = resolve_model()
    split = Split(**dict(load_config("default").stages)["split"])  # as the default pipeline splits
    clauses = [split_clauses(t, min_letters=split.min_letters, max_clauses=split.max_clauses,
                             min_words=split.min_words, language=lang)
               for t, lang in zip(data["text"], data["language"])]
    data["split_in_two"] = [len(c) == 2 for c in clauses]
    flat = [mention_core(c) for cs in clauses for c in cs]  # as the embed stage does
    vectors, _ = embed_texts(flat, spec)
    scores, labels = head.score(vectors, texts=flat)
    rows, k = [], 0
    for cs, first, second in zip(clauses, data["first"], data["second"]):
        got = list(labels[k:k + len(cs)])
        got_scores = list(scores[k:k + len(cs)])
        k += len(cs)
        rows.append({"labels_right": len(cs) == 2 and got == [first, second],
                     "opposite_scores": len(cs) == 2 and (got_scores[0] > got_scores[1]) == (first == "positive")})
    data = pd.concat([data, pd.DataFrame(rows)], axis=1)
    table = data.groupby("language")[["split_in_two", "labels_right", "opposite_scores"]].mean().round(3)
    table.loc["all"] = data[["split_in_two", "labels_right", "opposite_scores"]].mean().round(3)
    table.insert(0, "comments", [*data.groupby("language").size().tolist(), len(data)])
    print(f"{len(data)} mixed-tone comments (one praise and one complaint clause each)")
    print("split_in_two: split into exactly the two clauses; labels_right: both clauses get their label;")
    print("opposite_scores: the praise clause scores above the complaint clause")
    show("mixed_tone", table.reset_index(), args)
    print("\nmissed, first 6:")
    print(data[~data["labels_right"]][["language", "text"]].head(6).to_string(index=False))


if __name__ == "__main__":
    main()
