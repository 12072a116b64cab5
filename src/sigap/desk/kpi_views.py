"""The KPI scorecard on the desk, for any period, and the tickets behind each figure."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sigap.core import clock
from sigap.core.errors import ValidationFailed
from sigap.desk.access import desk_view
from sigap.desk.queue_views import sla_cell, sla_formats
from sigap.kpi.scorecard import Scorecard, scorecard

TICKETS_SHOWN = 100


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Until (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _period(request: HttpRequest) -> tuple[PeriodForm, Scorecard | None, list[str]]:
    """The period asked for (this month so far by default) and its scorecard."""
    today = timezone.localdate(clock.now())
    data = request.GET if "start" in request.GET else None
    form = PeriodForm(data, initial={"start": today.replace(day=1), "end": today})
    if data is None:
        start, end = today.replace(day=1), today
    elif form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        return form, None, []
    try:
        return form, scorecard(start=start, end=end), []
    except ValidationFailed as exc:
        return form, None, [exc.message]


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_support_staff:
        raise Http404("kpi")


@require_GET
@desk_view
def kpi_scorecard(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form, card, problems = _period(request)
    return render(
        request,
        "desk/kpi.html",
        {"form": form, "card": card, "problems": problems, "query": request.GET.urlencode()},
    )


@require_GET
@desk_view
def kpi_tickets(request: HttpRequest, code: str) -> HttpResponse:
    """The tickets behind one KPI's realisation for the period."""
    _staff_only(request)
    _form, card, _problems = _period(request)
    line = next((x for x in card.lines if x.kpi.code == code), None) if card else None
    if line is None or line.tickets is None:
        raise Http404(code)
    shown = list(
        line.tickets.select_related("category", "organisation", "assignee")[: TICKETS_SHOWN + 1]
    )
    now, formats = clock.now(), sla_formats()
    context = {
        "line": line,
        "card": card,
        "query": request.GET.urlencode(),
        "rows": [{"ticket": t, "sla": sla_cell(t, now, formats)} for t in shown[:TICKETS_SHOWN]],
        "more": len(shown) > TICKETS_SHOWN,
        "limit": TICKETS_SHOWN,
        "sla_formats": formats,
        "title": _("Tickets behind %(kpi)s") % {"kpi": line.kpi.name},
    }
    return render(request, "desk/kpi_tickets.html", context)
