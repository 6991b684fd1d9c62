"""The theme report: one self-contained HTML page, an XLSX workbook and a Markdown summary,
all rendered from the tables a run saved (``themes report OUT_DIR`` re-renders them)."""

from __future__ import annotations

import json
import secrets
from importlib import resources
from pathlib import Path

import pandas as pd

from .. import __version__
from ..errors import ThemesError
from ..io.write import spreadsheet_safe
from .data import report_data
from .i18n import LOCALES, TEXT
from .page_json import write_htmlsafe_json


def _template_text(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def render_html(folder: str | Path, *, language: str = "en") -> Path:
    """Write ``report.html`` into ``folder`` from its saved tables; returns the path."""
    from jinja2 import Environment, select_autoescape
    from markupsafe import Markup


    if language not in TEXT:
        raise ThemesError(f"report language must be one of {', '.join(TEXT)}, got '{language}'")
    folder = Path(folder)
    data = report_data(folder)
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(_template_text("report.html.j2"))
    marker = f"\x00report-data-{secrets.token_hex(8)}\x00"
    html = template.render(
        data_json=Markup(marker), t=TEXT[language], lang=language, locale=LOCALES[language], version=__version__,
        source=data["summary"]["source"],
        css=Markup(_template_text("report.css")), js=Markup(_template_text("report.js")),
    )
    before, after = html.split(marker)
    path = folder / "report.html"
    with path.open("w", encoding="utf-8") as handle:  # the data written into the page as it is encoded
        handle.write(before)
        write_htmlsafe_json(data, handle)
        handle.write(after)
    return path


WORKBOOK_ROWS = 100_000


def write_workbook(folder: str | Path, max_rows: int = WORKBOOK_ROWS) -> Path:
    """report.xlsx: one sheet per table, bold header, frozen header row, sensible widths.

    Streamed (openpyxl's write-only mode), so memory stays flat at any size: an in-memory
    workbook holds an object per cell. A table longer than
    ``max_rows`` keeps its first ``max_rows`` rows and says on the row after them that every row
    is in the CSV beside the workbook: a sheet stops at 1,048,576 rows anyway, and a workbook is
    for reading, the CSV files for processing."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    folder = Path(folder)
    path = folder / "report.xlsx"
    book = Workbook(write_only=True)
    for name in ["themes", "comments", "mentions", "segments", "periods", "rejected"]:
        csv = folder / f"{name}.csv"
        if not csv.exists():
            continue
        frame = spreadsheet_safe(pd.read_csv(csv, keep_default_na=False, nrows=max_rows + 1))
        cut = len(frame) > max_rows
        frame = frame.iloc[:max_rows]
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        for j, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[get_column_letter(j)].width = min(60, max(8, width + 2))
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, value=str(column))
            cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="34495E")
            header.append(cell)
        sheet.append(header)
        for row in frame.itertuples(index=False, name=None):
            sheet.append(row)
        if cut:
            sheet.append([f"the first {max_rows:,} rows only: every row is in {name}.csv"])
    book.save(path)
    return path


def figure(value, spec: str = "+.1f") -> str:
    """A table's figure formatted by ``spec`` (+1.2 by default; ".0f" for a rank), or "" where
    the table has none (a run too small to estimate it)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if number != number else format(number, spec)


def describe_change(change: dict, movers: int = 3) -> str:
    """One line: the metric's change from the previous period and the themes that moved it most."""
    def span(item: dict) -> str:
        return f"{item['low']:+.1f}, {item['high']:+.1f}"

    top = "; ".join(f"{c['label']} {c['total']:+.1f} [{span(c)}]" for c in change["contributions"][:movers])
    return (f"change {change['from']} → {change['to']}: {change['delta']:+.1f} {change['unit']} [{span(change)}]; "
            f"biggest movers: {top}; not tied to a theme {change['residual']:+.1f}")


def write_markdown(folder: str | Path, top: int = 5) -> Path:
    """summary.md: the headline and the top themes, for chat tools."""
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    themes = pd.read_csv(folder / "themes.csv", keep_default_na=False)
    lines = [f"**Customer feedback themes** ({', '.join(summary.get('inputs', {}))})", ""]
    metric = summary.get("nps")
    counts = summary["counts"]
    if metric:
        fmt = "+.1f" if metric["scale"] == "nps" else ".1f"
        name = metric.get("label") or metric["scale"].upper()
        lines.append(f"{name} **{metric['value']:{fmt}}** (95% CI {metric['low']:{fmt}} … "
                     f"{metric['high']:{fmt}}), {metric['responses']} responses, {counts['themes']} themes")
    else:
        lines.append(f"{counts['kept']} comments, {counts['themes']} themes (no scores: ranked by volume × tone)")
    lines += ["", "| # | theme | share | impact [95% CI] | priority |", "|---|---|---|---|---|"]
    for row in themes.head(top).itertuples():
        label = str(row.label).replace("|", "/")
        impact = f"{figure(row.impact)} [{figure(row.impact_low)}, {figure(row.impact_high)}]" \
            if figure(row.impact) else "— (too few scored comments)"
        rank = figure(row.rank, ".0f") or "—"
        lines.append(f"| {rank} | {label} | {float(row.share):.0%} | {impact} | {getattr(row, 'priority', '')} |")
    if summary.get("change"):
        lines += ["", describe_change(summary["change"])]
    path = folder / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_report(folder: str | Path, *, language: str = "en") -> list[Path]:
    return [render_html(folder, language=language), write_workbook(folder), write_markdown(folder)]
