"""The managers' dashboard: the monthly report's figures for any period, its charts
drawn on the server (the same drawings as the PDF's, as SVG), and the trend of
complaints: falling or not, by how much, in which categories."""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sigap.desk.access import desk_view, is_management
from sigap.desk.kpi_views import period_asked
from sigap.kpi import charts
from sigap.kpi.monthly import period_report
from sigap.kpi.report_pdf import CHARTS, cell_text
from sigap.kpi.report_tables import Table, report_tables


def _svg(drawing) -> str:
    """A chart as a data: URL for an <img>: an image cannot run what its text holds,
    whatever a category's name says."""
    return "data:image/svg+xml;base64," + base64.b64encode(charts.to_svg(drawing).encode()).decode(
        "ascii"
    )


def _section(table: Table, report: dict) -> dict:
    """A table of the report as the page shows it: its cells as the PDF prints them,
    the last `totals` rows marked, and the chart the PDF puts with it."""
    chart = CHARTS.get(table.key)
    first_total = len(table.rows) - table.totals
    return {
        "table": table,
        "rows": [
            {
                "total": i >= first_total,
                "cells": [
                    (cell_text(value, column.kind), column.kind)
                    for value, column in zip(row, table.columns, strict=True)
                ],
            }
            for i, row in enumerate(table.rows)
        ],
        "chart": _svg(chart(report)) if chart else None,
    }


@require_GET
@desk_view
def dashboard(request: HttpRequest) -> HttpResponse:
    if not is_management(request.user):
        reason = _("The dashboard is for managers and the head of infrastructure.")
        return render(request, "desk/refused.html", {"reason": reason}, status=403)
    form, period, problems = period_asked(request)
    context = {"form": form, "problems": problems, "query": request.GET.urlencode()}
    if period is not None:
        report = period_report(start=period[0], end=period[1])
        labels = report["category_labels"]
        trend = report["trend"]
        context |= {
            "report": report,
            "trend": trend,
            "falling": [labels[c] for c in trend["falling"]],
            "rising": [labels[c] for c in trend["rising"]],
            "sections": [_section(table, report) for table in report_tables(report)],
        }
    return render(request, "desk/dashboard.html", context)
