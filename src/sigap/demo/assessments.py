"""What the manager enters by hand each month of the data set: the team's
understanding of procedures and products (the study's KPI 4), from the monthly quiz
the support team sits. No system measures it, so the demo enters it as the manager
would, under her name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sigap.demo.staff import Staff
from sigap.kpi.models import Kpi, KpiEntry

MANAGER = "mgr.siti"
# Month -> the team's average quiz score in percent.
QUIZ = {1: 81, 2: 83, 3: 84, 4: 87, 5: 90}
NOTE = "Kuis bulanan prosedur dan produk, rata-rata tim customer support."


def _month_end(month: int) -> date:
    following = date(2022, month + 1, 1) if month < 12 else date(2023, 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def enter_assessments(staff: Staff) -> None:
    kpi = Kpi.objects.get(code="product_knowledge")
    KpiEntry.objects.bulk_create(
        KpiEntry(
            kpi=kpi,
            period_start=date(2022, month, 1),
            period_end=_month_end(month),
            value=Decimal(score),
            note=NOTE,
            entered_by=staff.users[MANAGER],
        )
        for month, score in QUIZ.items()
    )
