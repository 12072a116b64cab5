"""The monthly report's sections as tables, labelled in the active language: what
the PDF prints and the spreadsheet fills, so both carry the same figures under the
same headings. Values stay numbers (int, float; None for nothing to show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sigap.kpi.choices import Unit
from sigap.kpi.monthly import AGE_BUCKETS, RESOLUTION_BUCKETS, RESPONSE_BUCKETS, Bucket
from sigap.kpi.trend import change_text, month_label
from sigap.routing.choices import EscalationKind, EscalationReason
from sigap.sla.choices import Priority

TEXT, INT, NUMBER, PERCENT, LONG = "text", "int", "number", "percent", "long"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = INT  # TEXT, INT, NUMBER (two decimals), PERCENT (0 to 100), LONG (text to wrap)
    short: str = ""  # the label under its group's heading, where the table has groups


@dataclass(frozen=True)
class Table:
    key: str  # stable, whatever the language: the PDF and the dashboard pair charts by it
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    totals: int = 0  # how many of the last rows are totals
    # Headings over runs of columns, (label, how many columns), for a printed page;
    # a spreadsheet's header keeps each column's full label instead.
    groups: list[tuple[str, int]] = field(default_factory=list)
    sheet: str = ""  # a shorter title for a spreadsheet's tab (31 characters at most)

    @property
    def sheet_title(self) -> str:
        return self.sheet or self.title


def bucket_labels(buckets: tuple[Bucket, ...]) -> dict[str, str]:
    return {b.code: str(b.label) for b in buckets}


def is_month(report: dict) -> bool:
    """Whether the report covers one whole calendar month."""
    start = date.fromisoformat(report["period"]["start"])
    end = date.fromisoformat(report["period"]["end"])
    return start.day == 1 and (end + timedelta(days=1)) == _next_month(start)


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def report_title(report: dict) -> str:
    return _("Monthly support report") if is_month(report) else _("Support report")


def period_label(report: dict) -> str:
    start = date.fromisoformat(report["period"]["start"])
    end = date.fromisoformat(report["period"]["end"])
    if is_month(report):
        return date_format(start, "YEAR_MONTH_FORMAT")
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


def _category_columns(report: dict) -> list[Column]:
    labels = report["category_labels"]
    return [Column(labels[c]) for c in report["complaints"]["categories"]]


def complaints_table(report: dict) -> Table:
    table = report["complaints"]
    cats = table["categories"]
    kinds = (("counts", _("All")), ("incidents", _("Incidents")), ("requests", _("Requests")))
    rows = []
    for month in table["months"]:
        for key, label in kinds:
            counts = [month[key][c] for c in cats]
            rows.append([month_label(month["month"]), label, *counts, sum(counts)])
    totals = 0
    if len(table["months"]) > 1:
        rows.append([_("Total"), _("All"), *(table["totals"][c] for c in cats), table["total"]])
        totals = 1
    return Table(
        "complaints",
        _("Complaints by category"),
        [
            Column(_("Month"), TEXT),
            Column(_("Tickets"), TEXT),
            *_category_columns(report),
            Column(_("Total")),
        ],
        rows,
        [_("Tickets reported per month, both kinds, cancelled ones left out (Table 2).")],
        totals,
    )


def trend_table(report: dict) -> Table:
    trend = report["trend"]
    labels = report["category_labels"]
    rows = [
        [
            month_label(m),
            *(trend["by_category"][c][i] for c in trend["categories"]),
            trend["total"][i],
        ]
        for i, m in enumerate(trend["months"])
    ]
    notes = [trend["summary"]]
    if trend["falling"]:
        notes.append(
            _("Falling in: %(categories)s.")
            % {"categories": _category_changes(trend, trend["falling"], labels)}
        )
    if trend["rising"]:
        notes.append(
            _("Rising in: %(categories)s.")
            % {"categories": _category_changes(trend, trend["rising"], labels)}
        )
    return Table(
        "trend",
        _("Complaints over the last 12 months"),
        [Column(_("Month"), TEXT), *_category_columns(report), Column(_("Total"))],
        rows,
        notes,
        sheet=_("12-month trend"),
    )


def _category_changes(trend: dict, codes: list[str], labels: dict[str, str]) -> str:
    return ", ".join(
        f"{labels[c]} {change_text(trend['category_verdicts'][c]['vs_first'])}" for c in codes
    )


def scorecard_table(report: dict) -> Table:
    card = report["scorecard"]
    units = dict(Unit.choices)
    rows = []
    for k in card["kpis"]:
        sign = "<=" if k["direction"] == "lower" else ">="
        rows.append(
            [
                k["name"],
                k["weight"],
                f"{sign} {k['target']:g} {units.get(k['unit'], k['unit'])}",
                k["realisation"],
                k["score"],
                k["weighted_score"],
                k["basis"],
            ]
        )
    rows.append(
        [_("Final score (out of 100)"), card["weights"], "", None, None, card["final_score"], ""]
    )
    return Table(
        "scorecard",
        _("KPI scorecard"),
        [
            Column(_("KPI"), LONG),
            Column(_("Weight"), NUMBER),
            Column(_("Target"), TEXT),
            Column(_("Realisation"), NUMBER),
            Column(_("Score"), NUMBER),
            Column(_("Weighted score"), NUMBER),
            Column(_("Computed from"), LONG),
        ],
        rows,
        [],
        1,
    )


def sla_table(report: dict) -> Table:
    sla = report["sla"]
    names = dict(Priority.choices)

    def figures(line: dict) -> list:
        return [line["count"], line["met"], line["breached"], line["running"], line["percent_met"]]

    rows = [
        [str(names[r["priority"]]), *figures(r), *figures(s)]
        for r, s in zip(sla["response"]["priorities"], sla["resolution"]["priorities"], strict=True)
    ]
    rows.append(
        [_("Total"), *figures(sla["response"]["total"]), *figures(sla["resolution"]["total"])]
    )
    columns = [Column(_("Priority"), TEXT)]
    groups = [("", 1)]
    for clock in (_("Response"), _("Resolution")):
        for label, short, kind in (
            (_("%(clock)s: due"), _("due"), INT),
            (_("%(clock)s: met"), _("met"), INT),
            (_("%(clock)s: breached"), _("breached"), INT),
            (_("%(clock)s: running"), _("running"), INT),
            (_("%(clock)s: %% met"), _("% met"), PERCENT),
        ):
            columns.append(Column(label % {"clock": clock}, kind, short))
        groups.append((clock, 5))
    return Table(
        "sla",
        _("SLA compliance by priority"),
        columns,
        rows,
        [
            _(
                "Each clock counts in the period its deadline falls in. Met: stopped in time; "
                "breached: late, or still running past its deadline; the share met leaves "
                "out the clocks still running."
            )
        ],
        1,
        groups,
    )


def _times_table(key: str, title: str, found: dict, buckets: tuple, notes: list[str]) -> Table:
    labels = bucket_labels(buckets)
    rows = [
        [labels[b["bucket"]], b["incident"], b["request"], b["total"], b["working"]]
        for b in found["buckets"]
    ]
    count = found["count"]
    rows.append([_("Total"), count["incident"], count["request"], count["total"], count["working"]])
    return Table(
        key,
        title,
        [
            Column(_("Time"), TEXT),
            Column(_("Incidents")),
            Column(_("Requests")),
            Column(_("Total")),
            Column(_("Total in working time")),
        ],
        rows,
        notes,
        1,
    )


def first_response_table(report: dict) -> Table:
    found = report["first_response"]
    return _times_table(
        "first_response",
        _("First response times"),
        found,
        RESPONSE_BUCKETS,
        [
            _(
                "Tickets reported in the period and answered, by the time to the desk's first "
                "reply or call (calendar time; working time on the SLA calendar beside it). "
                "Not answered yet: %(count)s."
            )
            % {"count": found["unanswered"]}
        ],
    )


def resolution_table(report: dict) -> Table:
    return _times_table(
        "resolution",
        _("Resolution times"),
        report["resolution"],
        RESOLUTION_BUCKETS,
        [
            _(
                "Tickets resolved in the period, by the time from report to resolution "
                "(calendar time; working time on the SLA calendar beside it)."
            )
        ],
    )


def causes_table(report: dict) -> Table:
    causes = report["causes"]
    rows = [
        [c["name"], c["count"], c["percent"], c["cumulative_percent"]] for c in causes["causes"]
    ]
    rows.append([_("Total"), causes["total"], 100.0 if causes["total"] else None, None])
    return Table(
        "causes",
        _("Causes of incidents"),
        [
            Column(_("Cause"), LONG),
            Column(_("Incidents")),
            Column(_("Share"), PERCENT),
            Column(_("Cumulative share"), PERCENT),
        ],
        rows,
        [
            _(
                "Incidents resolved in the period, by their cause, most frequent first. "
                "Without a cause recorded: %(count)s."
            )
            % {"count": causes["without_cause"]}
        ],
        1,
    )


def backlog_table(report: dict) -> Table:
    backlog = report["backlog"]
    labels = bucket_labels(AGE_BUCKETS)
    rows = [
        [labels[b["bucket"]], b["incident"], b["request"], b["total"]] for b in backlog["buckets"]
    ]
    count = backlog["count"]
    rows.append([_("Total"), count["incident"], count["request"], count["total"]])
    as_of = timezone.localtime(datetime.fromisoformat(backlog["as_of"]))
    return Table(
        "backlog",
        _("Open tickets by age"),
        [Column(_("Age"), TEXT), Column(_("Incidents")), Column(_("Requests")), Column(_("Total"))],
        rows,
        [
            _("Tickets open at %(moment)s, by the time since they were reported.")
            % {"moment": date_format(as_of, "DATETIME_FORMAT")}
        ],
        1,
    )


def escalations_table(report: dict) -> Table:
    found = report["escalations"]
    kinds = dict(EscalationKind.choices)
    reasons = dict(EscalationReason.choices)
    rows = [
        [
            str(kinds[k["kind"]]),
            k["count"],
            k["tickets"],
            k["acknowledged"],
            *(k["reasons"][r] for r in EscalationReason.values),
        ]
        for k in found["kinds"]
    ]
    total = [_("Total"), found["total"], None, sum(k["acknowledged"] for k in found["kinds"])]
    rows.append(
        total + [sum(k["reasons"][r] for k in found["kinds"]) for r in EscalationReason.values]
    )
    return Table(
        "escalations",
        _("Escalations by level"),
        [
            Column(_("Escalated to"), TEXT),
            Column(_("Escalations")),
            Column(_("Tickets")),
            Column(_("Acknowledged")),
            *(Column(str(reasons[r])) for r in EscalationReason.values),
        ],
        rows,
        [_("Escalations made in the period, by where they went and why.")],
        1,
    )


def report_tables(report: dict) -> list[Table]:
    """Every section of `report` (monthly.period_report) as a table, in report order."""
    return [
        complaints_table(report),
        trend_table(report),
        scorecard_table(report),
        sla_table(report),
        first_response_table(report),
        resolution_table(report),
        causes_table(report),
        backlog_table(report),
        escalations_table(report),
    ]
