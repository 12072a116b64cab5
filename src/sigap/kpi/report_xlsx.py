"""The monthly report as a spreadsheet (openpyxl): a first sheet naming the report,
then one sheet per table, its header row frozen, the figures as real numbers
(percentages as fractions shown with a % format) so they can be summed and charted."""

from __future__ import annotations

import io
import re
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sigap.kpi.report_tables import (
    INT,
    LONG,
    NUMBER,
    PERCENT,
    TEXT,
    Table,
    period_label,
    report_tables,
    report_title,
)

FORMATS = {INT: "0", NUMBER: "0.00", PERCENT: "0.0%"}
WIDTHS = {LONG: 50, TEXT: 22}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
TOTAL_FONT = Font(bold=True)
# Sheet names may not hold these, nor be longer than 31 characters.
_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    name = _NOT_IN_NAMES.sub(" ", title)[:31].strip()
    candidate, n = name, 2
    while candidate.lower() in taken:
        suffix = f" {n}"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _cell_value(value, kind: str):
    if value is None:
        return None
    if kind == PERCENT:
        return value / 100
    return value


def _fill(sheet, table: Table) -> None:
    sheet.append([c.label for c in table.columns])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([_cell_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(
            WIDTHS.get(column.kind, 12), min(len(column.label) + 2, 30)
        )
        number_format = FORMATS.get(column.kind)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if number_format:
                cell.number_format = number_format
            if column.kind == LONG:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = sheet.max_row
    for r in range(last - table.totals + 1, last + 1):
        for cell in sheet[r]:
            cell.font = TOTAL_FONT
    sheet.freeze_panes = "B2"


def report_xlsx(report: dict) -> bytes:
    """`report` (monthly.period_report) as XLSX bytes."""
    book = Workbook()
    cover = book.active
    taken: set[str] = set()
    cover.title = sheet_name(_("Report"), taken)
    generated = timezone.localtime(datetime.fromisoformat(report["generated_at"]))
    cover.append([report_title(report)])
    cover["A1"].font = Font(bold=True, size=14)
    rows = [
        (_("Provider"), report["provider"] or "-"),
        (_("Period"), period_label(report)),
        (_("From"), report["period"]["start"]),
        (_("Until (included)"), report["period"]["end"]),
        (_("Made by Sigap on"), date_format(generated, "DATETIME_FORMAT")),
    ]
    for label, value in rows:
        cover.append([label, value])
    cover.column_dimensions["A"].width = 24
    cover.column_dimensions["B"].width = 40
    cover.column_dimensions["C"].width = 100
    # What each sheet counts: on the cover, so each sheet holds its table and nothing else.
    cover.append([])
    for table in report_tables(report):
        name = sheet_name(table.sheet_title, taken)
        _fill(book.create_sheet(name), table)
        cover.append([name, table.title, " ".join(table.notes)])
        cover.cell(cover.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
