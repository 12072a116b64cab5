"""The monthly report as a PDF (reportlab's platypus): a heading with the period and
the provider's name, a short summary, then every section as its table and chart,
in the active language (callers wrap it in translation.override)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from sigap.kpi import charts
from sigap.kpi.report_tables import (
    LONG,
    NUMBER,
    PERCENT,
    TEXT,
    Table,
    period_label,
    report_tables,
    report_title,
)

FONT, BOLD = "Helvetica", "Helvetica-Bold"
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
HEADER_BG = colors.HexColor("#1f5f8b")
TOTAL_BG = colors.HexColor("#e8eef3")
GRID = colors.HexColor("#b8c4ce")

_styles = getSampleStyleSheet()
TITLE = ParagraphStyle("SigapTitle", parent=_styles["Title"], fontSize=18, spaceAfter=4)
SUBTITLE = ParagraphStyle("SigapSubtitle", parent=_styles["Normal"], fontSize=11, leading=15)
HEADING = ParagraphStyle(
    "SigapHeading", parent=_styles["Heading2"], fontSize=12, spaceBefore=10, keepWithNext=1
)
NOTE = ParagraphStyle("SigapNote", parent=_styles["Normal"], fontSize=8, leading=10, spaceAfter=4)
CELL = ParagraphStyle("SigapCell", parent=_styles["Normal"], fontSize=7.5, leading=9)
HEAD_CELL = ParagraphStyle("SigapHeadCell", parent=CELL, fontName=BOLD, textColor=colors.white)

# Which chart goes with which table.
CHARTS: dict[str, Callable[[dict], Drawing]] = {
    "trend": lambda r: charts.trend_chart(r["trend"], r["category_labels"]),
    "sla": lambda r: charts.sla_chart(r["sla"]),
    "first_response": lambda r: charts.first_response_chart(r["first_response"]),
    "resolution": lambda r: charts.resolution_chart(r["resolution"]),
    "causes": lambda r: charts.pareto_chart(r["causes"]),
    "backlog": lambda r: charts.backlog_chart(r["backlog"]),
}


def cell_text(value: Any, kind: str) -> str:
    """A figure as the report prints it, in the active language's format."""
    if value is None or value == "":
        return "" if kind in (TEXT, LONG) else "-"
    if kind == PERCENT:
        return f"{number_format(round(value, 1), decimal_pos=1)}%"
    if kind == NUMBER:
        return number_format(round(value, 2), decimal_pos=2)
    return str(value)


def _widths(table: Table, header: list[str], body: list[list[str]]) -> list[float]:
    """Each column as wide as its figures and the longest word of its heading need;
    the long texts share what is left. Scaled down when that is wider than the page."""
    padding = 8
    needed = []
    for i, column in enumerate(table.columns):
        words = header[i].split() or [""]
        width = max(stringWidth(w, BOLD, HEAD_CELL.fontSize) for w in words)
        if column.kind != LONG:
            width = max([width, *(stringWidth(row[i], FONT, CELL.fontSize) for row in body)])
        needed.append(width + padding)
    long_columns = [i for i, c in enumerate(table.columns) if c.kind == LONG]
    left = WIDTH - sum(w for i, w in enumerate(needed) if i not in long_columns)
    for i in long_columns:
        needed[i] = max(needed[i], left / len(long_columns), 25 * mm)
    if not long_columns and sum(needed) < WIDTH * 0.6:
        return needed  # a narrow table stays narrow
    if not long_columns:
        # Spread what is left over the columns, so a table fills the page's width.
        extra = (WIDTH - sum(needed)) / len(needed)
        needed = [w + extra for w in needed]
    scale = min(1.0, WIDTH / sum(needed))
    return [w * scale for w in needed]


def _table(table: Table) -> PdfTable:
    labels = [c.short or c.label for c in table.columns] if table.groups else None
    labels = labels or [c.label for c in table.columns]
    body = [
        [cell_text(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
        for row in table.rows
    ]
    widths = _widths(table, labels, body)
    rows: list[list] = []
    style = []
    if table.groups:
        top, column = [], 0
        for label, span in table.groups:
            top += [Paragraph(escape(label), HEAD_CELL)] + [""] * (span - 1)
            style.append(("SPAN", (column, 0), (column + span - 1, 0)))
            column += span
        rows.append(top)
    heads = len(rows) + 1
    rows.append([Paragraph(escape(label), HEAD_CELL) for label in labels])
    for texts in body:
        rows.append(
            [
                Paragraph(escape(text), CELL) if column.kind == LONG else text
                for text, column in zip(texts, table.columns, strict=True)
            ]
        )
    flowable = PdfTable(rows, colWidths=widths, repeatRows=heads)
    style += [
        ("BACKGROUND", (0, 0), (-1, heads - 1), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, heads), (-1, -1), FONT),
        ("FONTSIZE", (0, heads), (-1, -1), CELL.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.25, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, column in enumerate(table.columns):
        if column.kind not in (TEXT, LONG):
            style.append(("ALIGN", (i, heads), (i, -1), "RIGHT"))
    if table.totals:
        first_total = len(rows) - table.totals
        style += [
            ("BACKGROUND", (0, first_total), (-1, -1), TOTAL_BG),
            ("FONTNAME", (0, first_total), (-1, -1), BOLD),
        ]
    flowable.setStyle(TableStyle(style))
    flowable.hAlign = "LEFT"
    return flowable


def _summary(report: dict) -> list[str]:
    sla = report["sla"]
    lines = [
        _("Tickets reported: %(count)s.") % {"count": report["complaints"]["total"]},
        _("KPI final score: %(score)s out of 100.")
        % {"score": number_format(report["scorecard"]["final_score"], decimal_pos=2)},
    ]
    for clock, label in (("response", _("First response")), ("resolution", _("Resolution"))):
        share = sla[clock]["total"]["percent_met"]
        if share is not None:
            lines.append(
                _("%(clock)s within the SLA: %(share)s.")
                % {"clock": label, "share": cell_text(share, PERCENT)}
            )
    lines.append(_("Trend: %(sentence)s") % {"sentence": report["trend"]["summary"]})
    return lines


def report_pdf(report: dict) -> bytes:
    """`report` (monthly.period_report) as PDF bytes."""
    buffer = io.BytesIO()
    title = report_title(report)
    provider = report["provider"]
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{title} {period_label(report)}",
        author=provider or "Sigap",
        creator="Sigap",
    )
    generated = timezone.localtime(datetime.fromisoformat(report["generated_at"]))
    story: list = [Paragraph(escape(title), TITLE)]
    if provider:
        story.append(Paragraph(f"<b>{escape(provider)}</b>", SUBTITLE))
    story.append(Paragraph(escape(period_label(report)), SUBTITLE))
    story.append(
        Paragraph(
            escape(
                _("Made by Sigap on %(moment)s")
                % {"moment": date_format(generated, "DATETIME_FORMAT")}
            ),
            NOTE,
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(escape(_("Summary")), HEADING))
    story += [Paragraph(escape(line), NOTE) for line in _summary(report)]
    for table in report_tables(report):
        story.append(Paragraph(escape(table.title), HEADING))
        story += [Paragraph(escape(note), NOTE) for note in table.notes]
        story.append(_table(table))
        chart = CHARTS.get(table.key)
        if chart is not None:
            story += [Spacer(1, 3 * mm), chart(report)]
    page = _("Page %(number)s")

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, 8 * mm, f"{title} - {period_label(report)}")
        canvas.drawRightString(A4[0] - MARGIN, 8 * mm, page % {"number": doc.page})
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
