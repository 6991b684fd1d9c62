"""UI text of the report in English, Russian and Latvian, and the locale for number formats."""

from __future__ import annotations

LOCALES = {"en": "en-GB", "ru": "ru-RU", "lv": "lv-LV"}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Customer feedback themes", "responses": "responses", "comments": "comments",
        "languages": "Languages", "period": "Period", "change": "change vs previous period",
        "ranked": "Themes ranked by impact", "impact": "Impact", "share": "Share", "sentiment": "Sentiment",
        "priority": "Priority", "theme": "Theme", "keywords": "Keywords", "rank": "Rank",
        "quadrant": "Frequency × impact", "trend": "Trend per period", "segments": "By segment",
        "language_mix": "Language mix", "filters": "Filters", "all": "All", "segment": "Segment",
        "language": "Language", "search": "Search quotes…", "quotes": "Quotes", "score": "score",
        "drill": "Click a theme for details", "by_language": "Share by language",
        "over_represented": "Over-represented in", "none": "none", "emerging": "emerging",
        "filtered_note": "Filtered: figures recomputed in the page (leave-one-out impact, no intervals).",
        "full_note": "All responses: impact = key-driver estimate with 95% bootstrap interval.",
        "no_scores": "No scores in this export: themes ranked by volume × negative sentiment.",
        "fix now": "fix now", "monitor": "monitor", "strengths": "strength", "noise": "noise",
        "other": "other", "other_label": "Other (fits no theme)",
        "shown": "shown", "of": "of", "metric": "Metric", "low_freq": "less frequent", "high_freq": "more frequent",
    },
    "ru": {
        "title": "Темы отзывов клиентов", "responses": "ответов", "comments": "комментариев",
        "languages": "Языки", "period": "Период", "change": "изменение к предыдущему периоду",
        "ranked": "Темы по влиянию", "impact": "Влияние", "share": "Доля", "sentiment": "Тональность",
        "priority": "Приоритет", "theme": "Тема", "keywords": "Ключевые слова", "rank": "Место",
        "quadrant": "Частота × влияние", "trend": "Динамика по периодам", "segments": "По сегментам",
        "language_mix": "Языки отзывов", "filters": "Фильтры", "all": "Все", "segment": "Сегмент",
        "language": "Язык", "search": "Поиск по цитатам…", "quotes": "Цитаты", "score": "оценка",
        "drill": "Нажмите на тему, чтобы увидеть детали", "by_language": "Доля по языкам",
        "over_represented": "Чаще всего в", "none": "нет", "emerging": "растёт",
        "filtered_note": "С фильтром: показатели пересчитаны на странице (влияние без интервалов).",
        "full_note": "Все ответы: влияние — оценка ключевых драйверов с 95% интервалом.",
        "no_scores": "В выгрузке нет оценок: темы упорядочены по объёму × негативу.",
        "fix now": "исправить", "monitor": "следить", "strengths": "сильная сторона", "noise": "шум",
        "other": "прочее", "other_label": "Прочее (не подходит ни к одной теме)",
        "shown": "показано", "of": "из", "metric": "Метрика", "low_freq": "реже", "high_freq": "чаще",
    },
    "lv": {
        "title": "Klientu atsauksmju tēmas", "responses": "atbildes", "comments": "komentāri",
        "languages": "Valodas", "period": "Periods", "change": "izmaiņas pret iepriekšējo periodu",
        "ranked": "Tēmas pēc ietekmes", "impact": "Ietekme", "share": "Daļa", "sentiment": "Noskaņojums",
        "priority": "Prioritāte", "theme": "Tēma", "keywords": "Atslēgvārdi", "rank": "Vieta",
        "quadrant": "Biežums × ietekme", "trend": "Dinamika pa periodiem", "segments": "Pa segmentiem",
        "language_mix": "Valodu sadalījums", "filters": "Filtri", "all": "Visi", "segment": "Segments",
        "language": "Valoda", "search": "Meklēt citātos…", "quotes": "Citāti", "score": "vērtējums",
        "drill": "Noklikšķiniet uz tēmas, lai redzētu sīkāk", "by_language": "Daļa pa valodām",
        "over_represented": "Biežāk sastopama", "none": "nav", "emerging": "pieaug",
        "filtered_note": "Ar filtru: rādītāji pārrēķināti lapā (ietekme bez intervāliem).",
        "full_note": "Visas atbildes: ietekme — galveno faktoru novērtējums ar 95% intervālu.",
        "no_scores": "Eksportā nav vērtējumu: tēmas sakārtotas pēc apjoma × negatīvisma.",
        "fix now": "labot tūlīt", "monitor": "uzraudzīt", "strengths": "stiprā puse", "noise": "troksnis",
        "other": "cits", "other_label": "Cits (neatbilst nevienai tēmai)",
        "shown": "parādīti", "of": "no", "metric": "Rādītājs", "low_freq": "retāk", "high_freq": "biežāk",
    },
}
