"""The forms behind the ticket page's action buttons. They only read and check what
the agent typed; the services decide whether the move is allowed.

Every form carries the ticket's `version` as the agent saw it, so a change someone
made in the meantime is refused instead of silently overwritten.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import User
from sigap.accounts.selectors import staff_list
from sigap.routing.choices import EscalationKind, SupportLevel
from sigap.routing.models import SupportGroup
from sigap.sla.choices import Level
from sigap.tickets.choices import Kind, PendingReason, ResolutionCode
from sigap.tickets.models import Category, Cause, Ticket
from sigap.tickets.selectors import categories_active, causes_for

REASON_LIMIT = 2_000


class Named(forms.ModelChoiceField):
    """Choices labelled by the object's name in the user's language."""

    def label_from_instance(self, obj) -> str:
        code = getattr(obj, "code", "")
        return f"{obj.name} ({code})" if code else str(obj.name)


class Person(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


def _reason(label=_("Reason"), required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_LIMIT,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}_%s")
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        if not self.is_bound:
            self.initial["version"] = ticket.version

    # Each form's controls get ids of their own: several forms share the page.
    prefix_name = "action"


def _groups():
    return SupportGroup.objects.exclude(level=SupportLevel.MANAGEMENT)


class AssignForm(ActionForm):
    prefix_name = "assign"
    group = Named(label=_("Support group"), queryset=_groups(), required=False)
    assignee = Person(
        label=_("Assignee"),
        queryset=staff_list(),
        required=False,
        empty_label=_("The group's rule decides"),
    )

    def clean(self):
        data = super().clean()
        if not data.get("group") and not data.get("assignee"):
            raise forms.ValidationError(_("Choose a support group, an assignee or both."))
        return data


class PendForm(ActionForm):
    prefix_name = "pend"
    reason = forms.ChoiceField(label=_("Waiting for"), choices=PendingReason.choices)
    note = _reason(_("Note"), required=False)


def escalation_groups():
    """Where a ticket is escalated by hand: second line or a vendor (management is
    brought in without taking the ticket)."""
    return SupportGroup.objects.filter(Q(level=SupportLevel.L2) | Q(is_vendor=True))


class EscalateForm(ActionForm):
    prefix_name = "escalate"
    kind = forms.ChoiceField(
        label=_("Escalation"), choices=EscalationKind.choices, widget=forms.RadioSelect
    )
    group = Named(
        label=_("To"),
        queryset=escalation_groups(),
        required=False,
        empty_label=_("Choose a group (not for management)"),
    )
    reason = _reason()

    def clean(self):
        data = super().clean()
        kind, group = data.get("kind"), data.get("group")
        if kind == EscalationKind.MANAGEMENT:
            data["group"] = None
        elif group is None:
            self.add_error("group", _("Choose the group the ticket goes to."))
        elif kind == EscalationKind.VENDOR and not group.is_vendor:
            self.add_error("group", _("%(group)s is not a vendor.") % {"group": group.name})
        elif kind == EscalationKind.FUNCTIONAL and group.is_vendor:
            self.add_error(
                "group", _("%(group)s is a vendor: choose vendor.") % {"group": group.name}
            )
        return data


class ResolveForm(ActionForm):
    prefix_name = "resolve"
    resolution_code = forms.ChoiceField(label=_("Resolution"), choices=ResolutionCode.choices)
    cause = Named(label=_("Cause"), queryset=Cause.objects.none(), required=False)
    summary = _reason(_("What was done"))

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["cause"].queryset = causes_for(ticket.category)
        if ticket.cause_id and not self.is_bound:
            self.initial["cause"] = ticket.cause_id
        if ticket.kind == Kind.REQUEST:
            self.initial.setdefault("resolution_code", ResolutionCode.REQUEST_FULFILLED)


class ReasonForm(ActionForm):
    """Reopen and cancel: a reason is all they need."""

    prefix_name = "reason"
    reason = _reason()


class ReopenForm(ReasonForm):
    prefix_name = "reopen"


class CancelForm(ReasonForm):
    prefix_name = "cancel"


class ConvertForm(ActionForm):
    prefix_name = "convert"
    category = Named(
        label=_("Category for the new kind"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Keep the category"),
    )
    reason = _reason()

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, ticket=ticket, **kwargs)
        self.target = self.target_for(ticket)
        self.fields["category"].queryset = categories_active(self.target)
        self.fields["category"].label = _("Category as a %(kind)s") % {
            "kind": Kind(self.target).label.lower()
        }

    @staticmethod
    def target_for(ticket: Ticket) -> str:
        return Kind.REQUEST if ticket.kind == Kind.INCIDENT else Kind.INCIDENT


class CategoriseForm(ActionForm):
    prefix_name = "categorise"
    category = Named(label=_("Category"), queryset=Category.objects.none())
    cause = Named(label=_("Cause"), queryset=Cause.objects.none(), required=False)
    note = _reason(_("Note"), required=False)

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["category"].queryset = categories_active(ticket.kind)
        self.fields["cause"].queryset = Cause.objects.filter(is_active=True).order_by("code")
        if not self.is_bound:
            self.initial |= {"category": ticket.category_id, "cause": ticket.cause_id}


class PriorityForm(ActionForm):
    prefix_name = "priority"
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices)
    reason = _reason()

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, ticket=ticket, **kwargs)
        self.initial.setdefault("impact", ticket.impact)
        self.initial.setdefault("urgency", ticket.urgency)


class NumberForm(ActionForm):
    """Link and duplicate: another ticket, by its number."""

    number = forms.CharField(label=_("Ticket number"), max_length=16, required=False)

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()


class LinkForm(NumberForm):
    prefix_name = "link"


class DuplicateForm(NumberForm):
    prefix_name = "duplicate"

    def clean_number(self) -> str:
        number = super().clean_number()
        if not number:
            raise forms.ValidationError(_("Give the number of the ticket this one duplicates."))
        return number


class VersionForm(ActionForm):
    """Start, resume, close: nothing to say but the version seen."""

    prefix_name = "plain"
