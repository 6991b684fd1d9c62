"""Regenerate docs/report.png, the README's picture of the sample's report.

    python examples/screenshot_report.py      (needs Chromium: apt-get install chromium)

Runs the sample analysis into a temporary folder, opens report.html in headless Chromium at
1280 px, clicks the top theme to show its drill-down, and saves the top of the page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    import themes

    with tempfile.TemporaryDirectory() as tmp:
        out = themes.analyze(ROOT / "examples" / "feedback.csv").save(Path(tmp) / "out")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1280, "height": 1700})
            page.goto((out / "report.html").as_uri())
            page.locator("#theme-table tbody tr").first.click()
            target = ROOT / "docs" / "report.png"
            page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": 1280, "height": 1700})
            browser.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
