"""The monthly report's charts, drawn on the server with reportlab's graphics.

Each function takes a section of `monthly.period_report` and returns a `Drawing`,
which the PDF places as it is and `to_svg` turns into SVG text for the desk's
dashboard, so both show the same picture. Labels are in the active language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from sigap.kpi.monthly import AGE_BUCKETS, RESOLUTION_BUCKETS, RESPONSE_BUCKETS, Bucket
from sigap.kpi.trend import month_label
from sigap.sla.choices import Priority

WIDTH, HEIGHT = 480, 230
FONT, BOLD = "Helvetica", "Helvetica-Bold"
PALETTE = [
    colors.HexColor(c)
    for c in ("#1f5f8b", "#e07b39", "#3a9d5d", "#c8423b", "#8a63b3", "#7f7f7f", "#d4a017")
]
INCIDENT_COLOUR, REQUEST_COLOUR = PALETTE[0], PALETTE[1]
LINE_COLOUR = colors.HexColor("#c8423b")
# Room for the title above and the category labels below the plot.
LEFT, BOTTOM, TOP = 40, 45, 30


def to_svg(drawing: Drawing) -> str:
    """The drawing as SVG text, for a page that embeds it."""
    return renderSVG.drawToString(drawing)


def _frame(title: str) -> Drawing:
    drawing = Drawing(WIDTH, HEIGHT)
    drawing.add(String(0, HEIGHT - 14, title, fontName=BOLD, fontSize=10))
    return drawing


def _bars(
    categories: Sequence[str],
    series: Sequence[Sequence[float | None]],
    *,
    stacked: bool,
    right: int = 10,
    bottom: int = BOTTOM,
) -> VerticalBarChart:
    chart = VerticalBarChart()
    chart.x, chart.y = LEFT, bottom
    chart.width = WIDTH - LEFT - right
    chart.height = HEIGHT - bottom - TOP
    chart.data = [tuple(s) for s in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    if stacked:
        chart.categoryAxis.style = "stacked"
    chart.barSpacing = 1
    chart.groupSpacing = 6
    for i in range(len(series)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    if not any(v for s in series for v in s if v):
        chart.valueAxis.valueMax = 1  # an empty chart still has an axis
    return chart


def _legend(pairs: list[tuple[colors.Color, str]], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 6
    legend.fontName = FONT
    legend.fontSize = 7
    legend.colorNamePairs = pairs
    legend.dxTextSpace = 3
    # Side by side in one row, as wide as the names need and the drawing allows.
    widest = max((len(name) for _c, name in pairs), default=0) * 4 + 20
    legend.deltax = min(max(60, widest), (WIDTH - x) / max(1, len(pairs)))
    return legend


def _angled(chart: VerticalBarChart) -> None:
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.dx = 2
    chart.categoryAxis.labels.dy = -2


def trend_chart(trend: dict, labels: dict[str, str]) -> Drawing:
    """Figure 3: complaints per month over 12 months, stacked by top category."""
    drawing = _frame(_("Complaints over the last 12 months"))
    months = [_short_month(m) for m in trend["months"]]
    series = [trend["by_category"][c] for c in trend["categories"]]
    chart = _bars(months, series, stacked=True, bottom=BOTTOM + 12)
    _angled(chart)
    drawing.add(chart)
    pairs = [(PALETTE[i], labels[c]) for i, c in enumerate(trend["categories"])]
    drawing.add(_legend(pairs, LEFT, 14))
    return drawing


def _short_month(month: str) -> str:
    """ "2022-03" as a short label ("Mar 2022")."""
    name = month_label(month)
    word, _space, year = name.rpartition(" ")
    return f"{word[:3]} {year}" if word else name


def pareto_chart(causes: dict, *, shown: int = 10) -> Drawing:
    """Causes of incidents: bars by count, most frequent first, with the cumulative
    share as a line on its own axis (0-100%) on the right."""
    drawing = _frame(_("Causes of incidents (Pareto)"))
    rows = causes["causes"][:shown]
    names = [_clip(r["name"], 18) for r in rows] or ["-"]
    counts = [r["count"] for r in rows] or [0]
    chart = _bars(names, [counts], stacked=False, right=40, bottom=BOTTOM + 20)
    _angled(chart)
    drawing.add(chart)
    line = HorizontalLineChart()
    line.x, line.y, line.width, line.height = chart.x, chart.y, chart.width, chart.height
    line.data = [tuple(r["cumulative_percent"] for r in rows) or (0,)]
    line.categoryAxis.categoryNames = names
    line.categoryAxis.visible = False
    line.valueAxis.valueMin, line.valueAxis.valueMax, line.valueAxis.valueStep = 0, 100, 20
    line.valueAxis.joinAxis = line.categoryAxis
    line.valueAxis.joinAxisMode = "right"
    line.valueAxis.labels.fontName = FONT
    line.valueAxis.labels.fontSize = 7
    line.valueAxis.labels.dx = 22
    line.valueAxis.labelTextFormat = "%d%%"
    line.lines[0].strokeColor = LINE_COLOUR
    line.lines[0].strokeWidth = 1.5
    line.joinedLines = 1
    drawing.add(line)
    pairs = [(PALETTE[0], _("Incidents")), (LINE_COLOUR, _("Cumulative share"))]
    drawing.add(_legend(pairs, LEFT, 12))
    return drawing


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "..."


def _kinds_chart(title: str, rows: list[dict], buckets: tuple[Bucket, ...]) -> Drawing:
    drawing = _frame(title)
    labels = {b.code: str(b.label) for b in buckets}
    chart = _bars(
        [labels[r["bucket"]] for r in rows],
        [[r["incident"] for r in rows], [r["request"] for r in rows]],
        stacked=True,
    )
    drawing.add(chart)
    pairs = [(INCIDENT_COLOUR, _("Incidents")), (REQUEST_COLOUR, _("Requests"))]
    drawing.add(_legend(pairs, LEFT, 14))
    return drawing


def first_response_chart(found: dict) -> Drawing:
    return _kinds_chart(
        _("First response times (calendar time)"), found["buckets"], RESPONSE_BUCKETS
    )


def resolution_chart(found: dict) -> Drawing:
    return _kinds_chart(_("Resolution times (calendar time)"), found["buckets"], RESOLUTION_BUCKETS)


def backlog_chart(backlog: dict) -> Drawing:
    return _kinds_chart(_("Open tickets by age"), backlog["buckets"], AGE_BUCKETS)


def sla_chart(sla: dict) -> Drawing:
    """The share of clocks met per priority, response and resolution side by side."""
    drawing = _frame(_("SLA compliance by priority (% met)"))
    names = dict(Priority.choices)
    chart = _bars(
        [str(names[r["priority"]]) for r in sla["response"]["priorities"]],
        [
            [r["percent_met"] for r in sla["response"]["priorities"]],
            [r["percent_met"] for r in sla["resolution"]["priorities"]],
        ],
        stacked=False,
    )
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = 100, 20
    chart.valueAxis.labelTextFormat = "%d%%"
    drawing.add(chart)
    pairs = [(PALETTE[0], _("Response")), (PALETTE[1], _("Resolution"))]
    drawing.add(_legend(pairs, LEFT, 14))
    return drawing
