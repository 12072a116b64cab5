"""The queues: the lists of tickets an agent works from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sigap.core import clock
from sigap.core.errors import ValidationFailed
from sigap.desk.access import desk_view, wants_partial
from sigap.desk.bulk import BulkForm
from sigap.desk.queues import (
    DEFAULT_QUEUE,
    KINDS,
    QUEUES,
    Queue,
    queue_counts,
    queue_page,
    sla_clock,
)
from sigap.sla.choices import Priority
from sigap.tickets.choices import Channel, Kind, Sort, Status
from sigap.tickets.models import Ticket
from sigap.tickets.selectors import TicketFilters

PAGE_SIZE = 50
# Under this much time left, a running clock shows as a warning (desk.js uses the same).
WARN = timedelta(hours=1)


class QueueFilterForm(forms.Form):
    """The shared filters of the API, as the desk's query string carries them."""

    status = forms.MultipleChoiceField(
        label=gettext_lazy("Status"), choices=Status.choices, required=False
    )
    priority = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, coerce=int, required=False
    )
    category = forms.CharField(label=gettext_lazy("Category code"), max_length=64, required=False)
    organisation = forms.CharField(
        label=gettext_lazy("Organisation code"), max_length=64, required=False
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[("", gettext_lazy("Any channel")), *Channel.choices],
        required=False,
    )
    reported_from = forms.DateField(
        label=gettext_lazy("Reported from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reported_to = forms.DateField(
        label=gettext_lazy("Reported until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = forms.ChoiceField(label=gettext_lazy("Order"), choices=Sort.choices, required=False)

    def problems(self) -> list[str]:
        return [
            _("%(field)s: %(error)s") % {"field": self.fields[name].label, "error": error}
            for name, errors in self.errors.items()
            for error in errors
        ]

    def ordering(self) -> str:
        return self.cleaned_data.get("sort") or Sort.NEWEST

    def filters(self, kind: str) -> TicketFilters:
        """The valid values only: a bad one is reported and left out, the rest applies."""
        data = self.cleaned_data
        return TicketFilters(
            kind=kind,
            status=data.get("status") or None,
            priority=data.get("priority") or None,
            category=data.get("category") or None,
            organisation=data.get("organisation") or None,
            channel=data.get("channel") or None,
            reported_from=_day_start(data.get("reported_from")),
            reported_to=_day_start(data.get("reported_to"), next_day=True),
        )


def _day_start(day, *, next_day: bool = False) -> datetime | None:
    """Midnight in the user's zone (the decorator made it current); `to` includes its day."""
    if day is None:
        return None
    moment = timezone.make_aware(datetime.combine(day, time.min))
    return moment + timedelta(days=1) if next_day else moment


def sla_formats() -> dict[str, str]:
    """The countdown's wording, shared by the server's first text and desk.js."""
    return {
        "days": _("%(days)d d %(hours)d h"),
        "hours": _("%(hours)d h %(minutes)d min"),
        "minutes": _("%(minutes)d min"),
        "late": _("late"),
    }


@dataclass(frozen=True)
class SlaCell:
    text: str
    css: str
    due: str  # ISO 8601 in UTC while the clock runs, else empty


def sla_cell(ticket: Ticket, now: datetime, formats: dict[str, str]) -> SlaCell:
    sla = sla_clock(ticket)
    if sla.is_late(now):
        return SlaCell(formats["late"], "sla-late", "")
    if sla.due is None:
        return SlaCell("—", "", "")
    if sla.paused:
        return SlaCell(_("paused"), "sla-paused", "")
    left = sla.left(now)
    minutes = int(left.total_seconds() // 60)
    days, hours = minutes // 1440, minutes // 60 % 24
    if days:
        text = formats["days"] % {"days": days, "hours": hours}
    elif hours:
        text = formats["hours"] % {"hours": hours, "minutes": minutes % 60}
    else:
        text = formats["minutes"] % {"minutes": minutes}
    css = "sla-warn" if left < WARN else "sla-ok"
    return SlaCell(text, css, sla.due.astimezone(UTC).isoformat())


def _query(params: QueryDict, **changes: str | None) -> str:
    """The current query string with `changes` (None drops a key) and no cursor."""
    query = params.copy()
    query.pop("cursor", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


@require_GET
@desk_view
def queue(request: HttpRequest) -> HttpResponse:
    params = request.GET
    kind = params.get("kind", Kind.INCIDENT)
    code = params.get("queue", DEFAULT_QUEUE)
    if kind not in KINDS or code not in QUEUES:
        raise Http404(code)
    current: Queue = QUEUES[code]
    form = QueueFilterForm(params)
    form.is_valid()
    problems = form.problems()
    filters = form.filters(kind)
    user, now = request.user, clock.now()
    try:
        page = queue_page(
            user=user,
            queue=current,
            filters=filters,
            now=now,
            cursor=params.get("cursor"),
            sort=form.ordering(),
            limit=PAGE_SIZE,
        )
    except ValidationFailed:
        problems.append(_("That page of the queue no longer exists; here is the first page."))
        page = queue_page(
            user=user,
            queue=current,
            filters=filters,
            now=now,
            limit=PAGE_SIZE,
            sort=form.ordering(),
        )
    formats = sla_formats()
    context = {
        "rows": [{"ticket": t, "sla": sla_cell(t, now, formats)} for t in page.items],
        "next_query": _query(params, cursor=page.next_cursor) if page.next_cursor else "",
        "problems": problems,
        "bulk": user.is_support_staff,
    }
    if wants_partial(request):
        response = render(request, "desk/_queue_rows.html", context)
    else:
        counts = queue_counts(user=user, filters=filters, now=now)
        context |= {
            "title": _("Queues"),
            "form": form,
            "kind": kind,
            "kind_label": KINDS[kind],
            "queue": current,
            "count": counts[code],
            "sla_formats": formats,
            "queues": [
                {
                    "label": q.label,
                    "count": counts[q.code],
                    "query": _query(params, queue=q.code),
                    "current": q.code == code,
                }
                for q in QUEUES.values()
            ],
            "kinds": [
                {"label": label, "query": _query(params, kind=k), "current": k == kind}
                for k, label in KINDS.items()
            ],
            "clear_query": _query(QueryDict(), kind=kind, queue=code),
            "bulk_form": BulkForm() if user.is_support_staff else None,
        }
        response = render(request, "desk/queue.html", context)
    # The same address answers a whole page or only rows: caches must keep both apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
