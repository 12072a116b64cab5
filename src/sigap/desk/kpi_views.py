"""The KPI scorecard on the desk, for any period, the tickets behind each figure, and
the monthly report to download (PDF or XLSX)."""

from __future__ import annotations

from datetime import date

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
from sigap.kpi.monthly import month_report
from sigap.kpi.report_pdf import report_pdf
from sigap.kpi.report_xlsx import report_xlsx
from sigap.kpi.scorecard import Scorecard, period_check, scorecard
from sigap.kpi.selectors import parse_month

TICKETS_SHOWN = 100
# format -> how it is made, its content type
REPORT_FILES = {
    "pdf": (report_pdf, "application/pdf"),
    "xlsx": (report_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Until (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )


def period_asked(request: HttpRequest) -> tuple[PeriodForm, tuple[date, date] | None, list[str]]:
    """The period asked for (this month so far by default), or None with the form's
    errors or what is wrong with it."""
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
        period_check(start, end)
    except ValidationFailed as exc:
        return form, None, [exc.message]
    return form, (start, end), []


def _period(request: HttpRequest) -> tuple[PeriodForm, Scorecard | None, list[str]]:
    """The period asked for and its scorecard."""
    form, period, problems = period_asked(request)
    card = scorecard(start=period[0], end=period[1]) if period is not None else None
    return form, card, problems


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_support_staff:
        raise Http404("kpi")


def _report_month(card: Scorecard | None) -> str:
    """The month the download form offers: the one the shown period starts in."""
    start = card.start if card else timezone.localdate(clock.now())
    return f"{start:%Y-%m}"


@require_GET
@desk_view
def kpi_scorecard(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form, card, problems = _period(request)
    context = {
        "form": form,
        "card": card,
        "problems": problems,
        "query": request.GET.urlencode(),
        "report_month": _report_month(card),
    }
    return render(request, "desk/kpi.html", context)


@require_GET
@desk_view
def monthly_report(request: HttpRequest) -> HttpResponse:
    """The month's report as a file, in the user's language (the middleware's)."""
    if not request.user.is_support_staff:
        reason = _("The reports are for the support team.")
        return render(request, "desk/refused.html", {"reason": reason}, status=403)
    month, kind = request.GET.get("month", ""), request.GET.get("format", "pdf")
    try:
        first = parse_month(month, "month")
        if kind not in REPORT_FILES:
            raise ValidationFailed(
                _("%(format)s is not a report format; choose PDF or XLSX.") % {"format": kind},
                fields={"format": _("PDF or XLSX.")},
            )
        report = month_report(first)
    except ValidationFailed as exc:
        context = {
            "form": PeriodForm(),
            "card": None,
            "problems": [exc.message],
            "query": "",
            "report_month": month,
        }
        return render(request, "desk/kpi.html", context, status=400)
    render_file, content_type = REPORT_FILES[kind]
    answer = HttpResponse(render_file(report), content_type=content_type)
    answer["Content-Disposition"] = f'attachment; filename="sigap-report-{first:%Y-%m}.{kind}"'
    return answer


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
