"""The scorecard of a period: each active KPI's target, realisation, score and
weighted score, and the final score out of 100.

The study's Table 5 gives weights that add up to 90 while it says 100 and scores its
period 100.00; the final score is therefore the weighted scores over the weights,
scaled to 100, which is the study's figure whatever the weights add up to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sigap.core.errors import ValidationFailed
from sigap.kpi.choices import Source
from sigap.kpi.db import report_queries
from sigap.kpi.models import Kpi, KpiEntry
from sigap.kpi.realisations import Realisation, realisation
from sigap.kpi.scoring import kpi_score
from sigap.tickets.models import Ticket

LONGEST = 3 * 366  # days a scorecard may cover


@dataclass(frozen=True)
class Line:
    kpi: Kpi
    value: Decimal | None
    basis: str
    score: Decimal | None  # 0..1; None: not measured in the period
    weighted: Decimal  # weight x score (0 when not measured)
    tickets: QuerySet[Ticket] | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scorecard:
    start: date
    end: date
    lines: list[Line]

    @property
    def total(self) -> Decimal:
        return sum((line.weighted for line in self.lines), Decimal(0))

    @property
    def weights(self) -> Decimal:
        return sum((line.kpi.weight for line in self.lines), Decimal(0))

    @property
    def final(self) -> Decimal:
        """Out of 100."""
        if not self.weights:
            return Decimal(0)
        return (self.total * 100 / self.weights).quantize(Decimal("0.01"))

    @property
    def unmeasured(self) -> list[Kpi]:
        return [line.kpi for line in self.lines if line.score is None]

    def as_dict(self) -> dict[str, Any]:
        """What the API answers and `sigap report --scorecard` prints."""
        return {
            "start": self.start,
            "end": self.end,
            "final_score": self.final,
            "total": self.total,
            "weights": self.weights,
            "kpis": [
                {
                    "code": line.kpi.code,
                    "name": line.kpi.name,
                    "unit": line.kpi.unit,
                    "direction": line.kpi.direction,
                    "weight": line.kpi.weight,
                    "target": line.kpi.target,
                    "realisation": line.value,
                    "basis": line.basis,
                    "score": line.score,
                    "weighted_score": line.weighted,
                    "detail": line.detail,
                }
                for line in self.lines
            ],
        }


def period_check(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed(
            _("The period ends before it starts."), fields={"to": _("Before the start.")}
        )
    if (end - start).days >= LONGEST:
        raise ValidationFailed(_("A scorecard covers at most three years."), fields={"to": ""})


def _entered(kpi: Kpi, start: date, end: date) -> Realisation:
    """The manager's entry for exactly this period; else, for a longer period, the
    average of the entries made for parts of it (the months of a quarter, say)."""
    entries = KpiEntry.objects.filter(kpi=kpi).select_related("entered_by")
    entry = entries.filter(period_start=start, period_end=end).first()
    if entry is not None:
        who = entry.entered_by.get_username() if entry.entered_by else "—"
        basis = _("Entered by %(who)s on %(when)s.") % {
            "who": who,
            "when": entry.entered_at.date().isoformat(),
        }
        return Realisation(entry.value, basis, None, {"note": entry.note})
    parts = list(entries.filter(period_start__gte=start, period_end__lte=end))
    if not parts:
        return Realisation(None, _("No realisation was entered for this period."), None, {})
    value = (sum(e.value for e in parts) / len(parts)).quantize(Decimal("0.01"))
    basis = _("The average of %(count)s entries for parts of the period, by %(who)s.") % {
        "count": len(parts),
        "who": ", ".join(
            sorted({e.entered_by.get_username() if e.entered_by else "—" for e in parts})
        ),
    }
    detail = {
        "entries": [
            {
                "from": e.period_start.isoformat(),
                "to": e.period_end.isoformat(),
                "value": float(e.value),
            }
            for e in sorted(parts, key=lambda e: e.period_start)
        ]
    }
    return Realisation(value, basis, None, detail)


def scorecard(*, start: date, end: date) -> Scorecard:
    """Every active KPI for the days `start`..`end` (inclusive, in Sigap's zone)."""
    period_check(start, end)
    with report_queries():
        return Scorecard(
            start, end, [_line(kpi, start, end) for kpi in Kpi.objects.filter(is_active=True)]
        )


def _line(kpi: Kpi, start: date, end: date) -> Line:
    if kpi.source == Source.MANUAL:
        found = _entered(kpi, start, end)
    else:
        found = realisation(kpi.source, start=start, end=end, time_basis=kpi.time_basis)
    score = kpi_score(kpi, found.value)
    weighted = (kpi.weight * score).quantize(Decimal("0.01")) if score is not None else 0
    return Line(
        kpi, found.value, found.basis, score, Decimal(weighted), found.tickets, found.detail
    )
