from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sigap.api.auth import require_staff
from sigap.kpi.scorecard import scorecard
from sigap.kpi.selectors import complaints_by_category, parse_month

router = Router(tags=["reports"])


@router.get("/reports/complaints-by-category")
def complaints_report(
    request: HttpRequest,
    from_: str = Query(..., alias="from", description="first month, YYYY-MM"),
    to: str | None = Query(None, description="last month, YYYY-MM (default: the first)"),
):
    """Tickets per month and top-level category (the case study's Table 2)."""
    require_staff(request.auth)
    first = parse_month(from_, "from")
    last = parse_month(to, "to") if to else first
    return complaints_by_category(first=first, last=last)


class KpiLineOut(Schema):
    code: str
    name: str
    unit: str
    direction: str
    weight: Decimal
    target: Decimal
    realisation: Decimal | None = Field(description="null: not measured in the period")
    basis: str = Field(description="what the realisation was computed from")
    score: Decimal | None = Field(description="0 to 1")
    weighted_score: Decimal
    detail: dict[str, Any]


class ScorecardOut(Schema):
    start: date
    end: date
    final_score: Decimal = Field(description="out of 100: `total` over `weights`")
    total: Decimal = Field(description="the weighted scores summed (out of `weights`)")
    weights: Decimal
    kpis: list[KpiLineOut]


@router.get("/kpi", response=ScorecardOut)
def kpi_scorecard(
    request: HttpRequest,
    from_: date = Query(..., alias="from", description="first day, YYYY-MM-DD"),
    to: date = Query(..., description="last day, YYYY-MM-DD (included)"),
):
    """The KPI scorecard (the study's Table 5) for the days from..to in Sigap's zone:
    each KPI's target, realisation, score and weighted score."""
    require_staff(request.auth)
    return scorecard(start=from_, end=to).as_dict()
