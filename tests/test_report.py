"""The HTML report, the workbook and the Markdown summary; the page is tested in Chromium."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from themes.report import render_html, write_markdown, write_report, write_workbook

XSS = 'Evil <script>window.__xss=1</script><img src=x onerror="window.__xss=2"> end'
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report_dir(analysed, tmp_path_factory):
    """The end-to-end run's outputs, with hostile text injected into one comment and one formula."""
    _, out = analysed
    folder = tmp_path_factory.mktemp("report") / "out"
    shutil.copytree(out, folder)
    comments = pd.read_csv(folder / "comments.csv", keep_default_na=False, dtype=str)
    comments.loc[0, "text"] = XSS
    comments.loc[1, "text"] = "=1+1 formula"
    comments.to_csv(folder / "comments.csv", index=False)
    write_report(folder)
    return folder


pytestmark = pytest.mark.model  # uses the end-to-end run


def test_the_page_is_self_contained(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_comment_text_is_escaped_in_the_html(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "\\u003cscript\\u003ewindow.__xss=1" in html  # the text is there, as inert JSON


def test_workbook_and_markdown(report_dir):
    from openpyxl import load_workbook

    book = load_workbook(report_dir / "report.xlsx")
    assert {"themes", "comments", "mentions", "segments", "periods", "rejected"} <= set(book.sheetnames)
    sheet = book["themes"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    texts = [c.value for c in book["comments"]["B"]]
    assert "'=1+1 formula" in texts and "=1+1 formula" not in texts
    md = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("**Customer feedback themes**") and md.count("\n| ") >= 6


def test_a_long_table_is_cut_in_the_workbook_and_says_where_every_row_is(report_dir, tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "copy"
    shutil.copytree(report_dir, folder)
    comments = pd.read_csv(folder / "comments.csv", keep_default_na=False)
    themes = pd.read_csv(folder / "themes.csv", keep_default_na=False)
    assert len(comments) > 50 and len(themes) < 50
    write_workbook(folder, max_rows=50)
    book = load_workbook(folder / "report.xlsx", read_only=True)
    rows = list(book["comments"].values)
    assert list(rows[0]) == list(comments.columns)
    assert len(rows) == 1 + 50 + 1 and rows[-1][0] == "the first 50 rows only: every row is in comments.csv"
    assert [r[0] for r in rows[1:51]] == comments["id"].astype(str).head(50).tolist()
    assert len(list(book["themes"].values)) == 1 + len(themes)  # short tables stay whole


def test_themes_report_re_renders_from_the_folder(report_dir, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(report_dir, folder)
    (folder / "report.html").unlink()
    proc = subprocess.run([sys.executable, "-m", "themes.cli", "report", str(folder), "--language", "lv"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Klientu atsauksmju tēmas" in (folder / "report.html").read_text(encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "themes.cli", "report", str(folder / "nope")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not an output folder" in bad.stderr


def synthetic_output(folder: Path, n: int, k: int = 12, parents: dict[str, str] | None = None) -> Path:
    """An output folder as `themes analyze` writes it, with random figures (no pipeline run)."""
    rng = np.random.default_rng(0)
    ids = [f"t{i:02d}" for i in range(1, k + 1)]
    primary = rng.choice(ids, n)
    comments = pd.DataFrame({
        "id": np.arange(n).astype(str), "text": [f"comment number {i} " + "words " * 20 for i in range(n)],
        "language": rng.choice(["en", "ru", "lv"], n), "sentiment": rng.uniform(-1, 1, n).round(4),
        "sentiment_label": "neutral", "score": rng.integers(0, 11, n), "nps_group": "",
        "primary_theme": primary, "themes": [f"{p};{rng.choice(ids)}" for p in primary],
        "period": rng.choice(["2024Q1", "2024Q2", "2024Q3", "2024Q4"], n),
        "date": "2024-05-01", "channel": rng.choice(["web", "app", "phone"], n),
    })
    comments.to_csv(folder / "comments.csv", index=False)
    pd.DataFrame({"theme_id": ids, "parent_id": [(parents or {}).get(i, "") for i in ids],
                  "label": [f"label {i}" for i in ids], "keywords": "a; b",
                  "keywords_by_language": "", "share": 0.1, "sentiment": 0.0, "impact": -1.0, "impact_low": -2.0,
                  "impact_high": 0.0, "rank": range(1, k + 1), "priority": "noise", "emerging": False,
                  "n_comments": 1000}).to_csv(folder / "themes.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({
        "counts": {"read": n, "kept": n, "rejected": 0, "themes": k},
        "languages": {"en": n}, "scale": {"name": "nps"}, "inputs": {"big.csv": {}},
        "nps": {"scale": "nps", "value": 1.0, "low": 0.5, "high": 1.5, "responses": n}}))
    return folder


def test_size_stays_under_5_mb_for_100k_comments(tmp_path):
    synthetic_output(tmp_path, 100_000)
    size = render_html(tmp_path).stat().st_size
    assert size < 5 * 1024 * 1024, size
    write_markdown(tmp_path)
    write_workbook(tmp_path)


# ------------------------------------------------------------------ in a real browser
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        yield b
        b.close()


def _open(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("#impact-chart svg")
    return page, errors


def _responses(page) -> str:
    return page.locator("#headline .card").nth(1).locator(".big").inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_report_in_chromium(browser, report_dir, tmp_path, width):
    themes = pd.read_csv(report_dir / "themes.csv")
    comments = pd.read_csv(report_dir / "comments.csv", keep_default_na=False)
    page, errors = _open(browser, report_dir / "report.html", width)
    page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
    # every chart is drawn with its data points
    top = themes[themes["parent_id"].isna()]  # the charts compare top-level themes
    assert 0 < len(top) < len(themes)
    assert page.locator("#impact-chart rect.bar").count() == len(top)
    assert page.locator("#impact-chart line.whisker").count() == 3 * len(top)
    assert page.locator("#quadrant-chart circle.point").count() == len(top)
    assert page.locator("#trend-chart circle.point").count() == 4
    assert page.locator("#segment-heatmap rect.cell").count() == 7 * 9  # 7 segment values x (NPS + 8 themes)
    assert page.locator("#language-chart rect.bar").count() == comments["language"].nunique()
    assert page.locator("#theme-table tbody tr").count() == len(themes)
    # quadrant texts (labels, axis titles, corners) overlap no other and stay inside the chart;
    # whiskers stay on their axis
    boxes = page.evaluate("""() => [...document.querySelectorAll('#quadrant-chart text')]
        .map((t) => { const b = t.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; })""")
    width = page.evaluate("document.querySelector('#quadrant-chart svg').viewBox.baseVal.width")
    assert all(b[0] >= 0 and b[2] <= width for b in boxes)
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    impact_width = page.evaluate("document.querySelector('#impact-chart svg').viewBox.baseVal.width")
    ends = page.evaluate("[...document.querySelectorAll('#impact-chart line.whisker')].map((l) => l.x2.baseVal.value)")
    assert all(0 <= x <= impact_width for x in ends)
    # the heatmap says which themes it shows and how to read it
    assert f"8 top-ranked of {len(top) - ('other' in set(top['theme_id']))} themes" in \
        page.locator("#segment-heatmap .hint").inner_text()
    # what changed from the previous quarter, per theme, adding up to the change card
    summary = json.loads((report_dir / "summary.json").read_text())
    assert page.locator("#change-panel").is_visible()
    shown = min(8, len(summary["change"]["contributions"])) + 1  # and the residual
    assert page.locator("#change-chart rect.bar").count() == shown
    # the hostile comment is shown as text and did not run
    assert page.evaluate("window.__xss") is None
    page.fill("#quote-search", "window.__xss")
    assert page.locator("#quotes li").count() == 1
    assert "<script>window.__xss=1</script>" in page.locator("#quotes li").first.inner_text()
    page.fill("#quote-search", "")
    # the languages card counts languages, not "unknown" (listed beside them)
    languages = page.locator("#headline .card").nth(2)
    assert languages.locator(".big").inner_text() == "3" and "unknown" in languages.inner_text()
    # filters change what is shown
    assert _responses(page) == str(len(comments))
    page.select_option("#f-lang", "ru")
    ru = int((comments["language"] == "ru").sum())
    assert _responses(page) == str(ru)
    assert page.locator("#quotes li").count() == min(ru, 200)
    assert "Filtered" in page.locator("#filter-note").inner_text()
    assert page.locator("#impact-chart line.whisker").count() == 0  # recomputed: no intervals
    page.select_option("#f-lang", "")
    page.select_option("#f-period", "2024Q1")
    assert _responses(page) == str(int((comments["period"] == "2024Q1").sum()))
    page.select_option("#f-period", "")
    # drill-down and sorting
    page.locator("#theme-table tbody tr").first.click()
    assert page.locator("#drill").is_visible()
    assert page.locator("#drill-trend-chart circle.point").count() == 4
    first = themes.iloc[0]  # the row clicked: the top-ranked theme, with its flag shares from themes.csv
    flags = page.locator("#drill-flags").inner_text()
    assert flags.count("%") == 4 and "customer effort" in flags
    assert f"{first['effort_share'] * 100:.1f}".rstrip("0").rstrip(".") + "%" in flags
    share = themes.set_index("theme_id")["share"]

    def shares_in_table():  # top-level rows: sub-themes stay under their parent
        rows = page.locator("#theme-table tbody tr:not(.child)")
        return [share[rows.nth(i).get_attribute("data-theme")] for i in range(rows.count())]

    assert shares_in_table() != sorted(shares_in_table())  # ranked by impact, not by share
    page.locator("#theme-table th[data-key=share]").click()
    assert shares_in_table() == sorted(shares_in_table())
    page.locator("#theme-table th[data-key=share]").click()
    assert shares_in_table() == sorted(shares_in_table(), reverse=True)
    assert errors == []
    page.close()


def test_russian_page_formats_numbers_for_its_locale(browser, report_dir, tmp_path):
    folder = tmp_path / "ru"
    shutil.copytree(report_dir, folder)
    render_html(folder, language="ru")
    page, errors = _open(browser, folder / "report.html", 1280)
    assert page.locator("h1").inner_text() == "Темы отзывов клиентов"
    interval = page.locator("#headline .card .hint").nth(1).inner_text()  # "95% CI -41,5 … -28,1"
    assert re.search(r"[-−]\d+,\d", interval), interval  # decimal comma
    assert errors == []
    page.close()


def test_sub_themes_fold_under_their_parent(browser, tmp_path):
    synthetic_output(tmp_path, 500, k=5, parents={"t04": "t01", "t05": "t01"})
    render_html(tmp_path)
    page, errors = _open(browser, tmp_path / "report.html", 1280)
    rows = page.locator("#theme-table tbody tr")
    order = [rows.nth(i).get_attribute("data-theme") for i in range(rows.count())]
    assert order == ["t01", "t04", "t05", "t02", "t03"]  # children right under their parent
    assert page.locator("#theme-table tbody tr.child:visible").count() == 0
    page.locator("#theme-table tbody tr[data-theme=t01] button.fold").click()
    assert page.locator("#theme-table tbody tr.child:visible").count() == 2
    assert errors == []
    page.close()


def _page_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)[1])


def test_the_page_holds_every_comment_whatever_the_chunks_comments_csv_is_read_in(tmp_path, monkeypatch):
    from themes.report import data as report_data

    synthetic_output(tmp_path, 1000)
    comments = pd.read_csv(tmp_path / "comments.csv", keep_default_na=False, dtype=str)
    comments.loc[[3, 500], "score"] = ""
    comments.loc[[4, 999], "language"] = ""
    comments.loc[5, "sentiment"] = ""
    comments["subthemes"] = np.where(np.arange(1000) % 3 == 0, "t01.1", "")
    comments.to_csv(tmp_path / "comments.csv", index=False)
    pd.DataFrame({"segment": ["channel"], "value": ["web"], "theme_id": ["t01"]}).to_csv(
        tmp_path / "segments.csv", index=False)
    themes = pd.read_csv(tmp_path / "themes.csv", keep_default_na=False, dtype=str)
    pd.concat([themes, themes.head(1).assign(theme_id="t01.1", parent_id="t01")]).to_csv(
        tmp_path / "themes.csv", index=False)
    whole = render_html(tmp_path).read_bytes()
    monkeypatch.setattr(report_data, "CHUNK_ROWS", 7)
    assert render_html(tmp_path).read_bytes() == whole

    data = _page_data(tmp_path / "report.html")
    ids = [*themes["theme_id"].tolist(), "t01.1"]
    per = data["comments"]
    assert per["themes"] == [[ids.index(x) for x in f"{a};{b}".split(";") if x] for a, b in
                             zip(comments["themes"], comments["subthemes"])]
    assert [data["langs"][c] if c >= 0 else "" for c in per["lang"]] == comments["language"].tolist()
    assert data["langs"] == sorted(set(comments["language"]) - {""})
    assert [data["periods"][c] for c in per["period"]] == comments["period"].tolist()
    bands = {s: (1.0 if int(s) >= 9 else 0.0 if int(s) >= 7 else -1.0) for s in map(str, range(11))}
    assert per["value"] == [bands.get(s) for s in comments["score"]]
    assert per["sent"] == [round(float(s), 2) if s else None for s in comments["sentiment"]]
    channel = data["segments"]["channel"]
    assert [channel["values"][c] for c in channel["codes"]] == comments["channel"].tolist()
    assert [q["c"] for q in data["quotes"]] == list(range(1000))  # every comment, at this size
    assert [q["t"] for q in data["quotes"]] == [t[:600] for t in comments["text"]]
    assert data["quotes"][4]["l"] == "" and data["quotes"][3]["s"] is None and data["quotes"][6]["l"]
