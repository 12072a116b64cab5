from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from sigap.api.auth import require_staff
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
