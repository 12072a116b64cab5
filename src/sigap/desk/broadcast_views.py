"""Broadcasts on the desk, for managers (and the head of infrastructure, who announces
outages): the list, a new broadcast with the number it would reach, and one
broadcast's page, where it is sent, scheduled or cancelled and its reach is read."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sigap.comms.broadcasts import (
    broadcast_cancel,
    broadcast_create,
    broadcast_schedule,
    broadcast_send,
)
from sigap.comms.choices import BroadcastChannels, BroadcastKind, BroadcastStatus
from sigap.comms.models import Broadcast
from sigap.comms.selectors import broadcast_preview, broadcast_reach, broadcasts_reach
from sigap.core import clock
from sigap.core.errors import DomainError
from sigap.core.forms import form_show_refusal
from sigap.customers.choices import Tier
from sigap.customers.models import DeviceModel, Organisation
from sigap.desk.access import desk_view, is_management
from sigap.tickets.models import Ticket

LISTED = 50


def _refused(request: HttpRequest) -> HttpResponse:
    reason = _("Broadcasts are sent by managers and the head of infrastructure.")
    return render(request, "desk/refused.html", {"reason": reason}, status=403)


class BroadcastForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=BroadcastKind.choices,
        initial=BroadcastKind.REGULAR,
        widget=forms.RadioSelect,
    )
    subject_en = forms.CharField(label=gettext_lazy("Subject (English)"), max_length=200)
    body_en = forms.CharField(
        label=gettext_lazy("Text (English)"), widget=forms.Textarea(attrs={"rows": 6})
    )
    subject_id = forms.CharField(label=gettext_lazy("Subject (Indonesian)"), max_length=200)
    body_id = forms.CharField(
        label=gettext_lazy("Text (Indonesian)"), widget=forms.Textarea(attrs={"rows": 6})
    )
    tier = forms.ChoiceField(
        label=gettext_lazy("Tier"),
        choices=[("", gettext_lazy("Every tier")), *Tier.choices],
        required=False,
    )
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    device_model = forms.ModelChoiceField(
        label=gettext_lazy("Device model"),
        queryset=DeviceModel.objects.all(),
        required=False,
        empty_label=gettext_lazy("Every device model"),
    )
    channels = forms.ChoiceField(
        label=gettext_lazy("Send by"),
        choices=BroadcastChannels.choices,
        initial=BroadcastChannels.BOTH,
        widget=forms.RadioSelect,
    )
    scheduled_for = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        help_text=gettext_lazy("In your time zone. Leave empty to send it when you press Send."),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    outage = forms.CharField(
        label=gettext_lazy("Outage ticket"),
        help_text=gettext_lazy(
            "The incident's number, when the notice is about an outage: unit tickets "
            "the recipients open in the next 24 hours are linked to it."
        ),
        max_length=16,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regions = (
            Organisation.objects.filter(is_active=True)
            .exclude(region="")
            .values_list("region", flat=True)
            .distinct()
            .order_by("region")
        )
        self.fields["region"].choices = [("", _("Every region")), *((r, r) for r in regions)]

    def clean_outage(self) -> Ticket | None:
        number = self.cleaned_data["outage"].strip().upper()
        if not number:
            return None
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is None:
            raise forms.ValidationError(
                _("No ticket has the number %(number)s.") % {"number": number}
            )
        return ticket

    def draft(self) -> Broadcast:
        """An unsaved broadcast of the form's values, to count its recipients."""
        data = self.cleaned_data
        return Broadcast(
            tier=data["tier"],
            region=data["region"],
            device_model=data["device_model"],
            channels=data["channels"],
        )


@require_GET
@desk_view
def broadcast_list(request: HttpRequest) -> HttpResponse:
    if not is_management(request.user):
        return _refused(request)
    broadcasts = Broadcast.objects.select_related("created_by")[:LISTED]
    reach = broadcasts_reach(Broadcast.objects.filter(pk__in=[b.pk for b in broadcasts]))
    rows = [{"broadcast": b, "reach": reach.get(b.pk)} for b in broadcasts]
    return render(request, "desk/broadcasts.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@desk_view
def broadcast_new(request: HttpRequest) -> HttpResponse:
    """The form. "Count the recipients" shows how many it would reach now, saving
    nothing; "Save as draft" saves it for its page, where it is sent."""
    if not is_management(request.user):
        return _refused(request)
    if request.method != "POST":
        return render(request, "desk/broadcast_new.html", {"form": BroadcastForm()})
    form = BroadcastForm(request.POST)
    preview = None
    if form.is_valid():
        if "preview" in request.POST:
            preview = broadcast_preview(form.draft())
        else:
            data = form.cleaned_data
            try:
                broadcast = broadcast_create(by=request.user, **data)
            except DomainError as exc:
                form_show_refusal(form, exc)
            else:
                messages.success(request, _("The broadcast is saved as a draft."))
                return redirect("desk:broadcast", broadcast_id=broadcast.pk)
    status = 200 if form.is_valid() else 400
    return render(
        request, "desk/broadcast_new.html", {"form": form, "preview": preview}, status=status
    )


def _broadcast(request: HttpRequest, broadcast_id: int) -> Broadcast:
    broadcast = (
        Broadcast.objects.select_related("created_by", "device_model", "outage")
        .filter(pk=broadcast_id)
        .first()
    )
    if broadcast is None:
        raise Http404(broadcast_id)
    return broadcast


@require_GET
@desk_view
def broadcast_page(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    if not is_management(request.user):
        return _refused(request)
    broadcast = _broadcast(request, broadcast_id)
    waiting = broadcast.status in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED)
    later = broadcast.scheduled_for is not None and broadcast.scheduled_for > clock.now()
    context = {
        "broadcast": broadcast,
        "preview": broadcast_preview(broadcast) if waiting else None,
        "reach": None if waiting else broadcast_reach(broadcast),
        "can_send": waiting,
        "schedules": later and broadcast.status == BroadcastStatus.DRAFT,
        "can_cancel": broadcast.status
        in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING),
        "zone": timezone.get_current_timezone_name(),
    }
    return render(request, "desk/broadcast.html", context)


@require_POST
@desk_view
def broadcast_go(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    """Send: at its time when that is still to come (a draft is scheduled), else now."""
    if not is_management(request.user):
        return _refused(request)
    broadcast = _broadcast(request, broadcast_id)
    later = broadcast.scheduled_for is not None and broadcast.scheduled_for > clock.now()
    try:
        if later and broadcast.status == BroadcastStatus.DRAFT:
            broadcast_schedule(broadcast=broadcast, by=request.user)
            messages.success(request, _("The broadcast will be sent at its time."))
        else:
            broadcast = broadcast_send(broadcast=broadcast, by=request.user)
            messages.success(
                request,
                _("Sending to %(count)s addresses has started.") % {"count": broadcast.targeted},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("desk:broadcast", broadcast_id=broadcast_id)


@require_POST
@desk_view
def broadcast_stop(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    if not is_management(request.user):
        return _refused(request)
    try:
        broadcast_cancel(broadcast=_broadcast(request, broadcast_id), by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The broadcast is cancelled."))
    return redirect("desk:broadcast", broadcast_id=broadcast_id)
