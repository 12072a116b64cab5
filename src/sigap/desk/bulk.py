"""Bulk work from a queue: the same action on several tickets at once.

Each ticket still goes through its own service call, in its own transaction, so
each gets its own timeline entry and its own checks; one refused ticket does not
hold the others back, and the agent is told which were refused and why.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sigap.accounts.selectors import staff_list
from sigap.core.errors import DomainError
from sigap.desk.access import desk_view
from sigap.desk.action_forms import REASON_LIMIT, Named, Person, escalation_groups
from sigap.desk.ticket_actions import STEPS, steps_for
from sigap.routing.choices import EscalationKind, SupportLevel
from sigap.routing.models import SupportGroup
from sigap.tickets import selectors
from sigap.tickets.choices import PendingReason

LIMIT = 100
BULK_ACTIONS = ("take", "assign", "start", "pend", "resume", "escalate", "close", "cancel")


class BulkForm(forms.Form):
    tickets = forms.MultipleChoiceField(
        label=gettext_lazy("Tickets"),
        error_messages={"required": gettext_lazy("Tick the tickets to act on first.")},
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Do"), choices=[(name, STEPS[name].label) for name in BULK_ACTIONS]
    )
    group = Named(
        label=gettext_lazy("Group"),
        queryset=SupportGroup.objects.exclude(level=SupportLevel.MANAGEMENT),
        required=False,
    )
    assignee = Person(label=gettext_lazy("Assignee"), queryset=staff_list(), required=False)
    pending_reason = forms.ChoiceField(
        label=gettext_lazy("Waiting for"),
        choices=[("", "—"), *PendingReason.choices],
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_LIMIT, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        numbers = self.data.getlist("tickets") if self.is_bound else []
        self.fields["tickets"].choices = [(n, n) for n in numbers[:LIMIT]]

    def clean_tickets(self) -> list[str]:
        numbers = self.cleaned_data["tickets"]
        if len(self.data.getlist("tickets")) > LIMIT:
            raise forms.ValidationError(_("At most %(limit)d tickets at once.") % {"limit": LIMIT})
        return numbers

    def clean(self):
        data = super().clean()
        action, group = data.get("action"), data.get("group")
        need = {
            "assign": ("group", "assignee") if not (group or data.get("assignee")) else (),
            "escalate": ("group", "reason"),
            "pend": ("pending_reason",),
            "cancel": ("reason",),
        }.get(action, ())
        for field in need:
            if not data.get(field):
                self.add_error(field, _("Needed to %(action)s.") % {"action": STEPS[action].label})
        if action == "escalate" and group is not None and group not in escalation_groups():
            self.add_error("group", _("Tickets are escalated to second line or a vendor."))
        return data

    def step_data(self) -> dict:
        """What the single-ticket action's form would have given."""
        data = self.cleaned_data
        group = data.get("group")
        return {
            "version": None,  # each ticket as it is now
            "group": group,
            "assignee": data.get("assignee"),
            "kind": EscalationKind.VENDOR
            if group and group.is_vendor
            else EscalationKind.FUNCTIONAL,
            "reason": data.get("pending_reason") if data["action"] == "pend" else data["reason"],
            "note": data["reason"] if data["action"] == "pend" else "",
        }


@require_POST
@desk_view
def bulk(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_support_staff:
        raise Http404("bulk")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}) or not back.startswith(
        "/desk/"
    ):
        back = "/desk/"
    form = BulkForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    name = form.cleaned_data["action"]
    step, data = STEPS[name], form.step_data()
    done: list[str] = []
    refused: list[str] = []
    wanted = [n.upper() for n in form.cleaned_data["tickets"]]
    found = {t.number: t for t in selectors.ticket_visible(user=user).filter(number__in=wanted)}
    for number in wanted:
        ticket = found.get(number)
        if ticket is None:
            refused.append(_("%(number)s: not found.") % {"number": number})
        elif name not in steps_for(user, ticket):
            refused.append(
                _("%(number)s: not possible while it is %(status)s.")
                % {"number": number, "status": ticket.get_status_display().lower()}
            )
        else:
            try:
                step.run(user, ticket, data)
            except DomainError as exc:
                refused.append(f"{number}: {exc.message}")
            else:
                done.append(number)
    if done:
        messages.success(
            request,
            _("%(action)s: done for %(tickets)s.")
            % {"action": step.label, "tickets": ", ".join(done)},
        )
    for line in refused:
        messages.error(request, line)
    return redirect(back)
