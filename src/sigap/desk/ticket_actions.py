"""The ticket page's actions: which the user sees, and what each one calls.

A transition's button exists only when the state machine allows it now and the
user's role may take it (`selectors.ticket_actions_for`). The other changes
(category, priority, kind, links) are for support staff while the ticket is open.
Each action is one form posted to /desk/tickets/<number>/act/<name>/ and one call
of a service; the services own every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from sigap.accounts.models import User
from sigap.core.errors import NotFound, ValidationFailed
from sigap.desk import action_forms as f
from sigap.routing.choices import EscalationKind
from sigap.tickets import changes, selectors, services
from sigap.tickets.choices import Action
from sigap.tickets.models import Ticket


@dataclass(frozen=True)
class Step:
    form: type[f.ActionForm]
    label: Any
    done: Any  # what the agent reads when it worked
    run: Callable[[User, Ticket, dict[str, Any]], Any]
    # The transition it is; None for a change that any open ticket takes.
    action: Action | None = None
    # A single button (no form to fill), shown outside the menu of forms.
    button: bool = False
    # Only support staff, whatever the transition map gives the role (a vendor may
    # start or resolve a ticket escalated to it, not hand it on).
    staff: bool = False


def _common(user: User, ticket: Ticket, data: dict[str, Any]) -> dict[str, Any]:
    return {"ticket": ticket, "by": user, "expected_version": data["version"]}


def _take(user: User, ticket: Ticket, data: dict[str, Any]) -> Ticket:
    """Assign to me, in the ticket's group when I am in it, else in my own."""
    group = ticket.support_group
    if group is None or not group.members.filter(pk=user.pk).exists():
        group = user.support_groups.order_by("level", "code").first()
    return services.ticket_assign(**_common(user, ticket, data), assignee=user, group=group)


def _escalate(user: User, ticket: Ticket, data: dict[str, Any]) -> Ticket:
    if data["kind"] == EscalationKind.MANAGEMENT:
        return changes.ticket_involve_management(
            **_common(user, ticket, data), reason=data["reason"]
        )
    return services.ticket_escalate(
        **_common(user, ticket, data), group=data["group"], reason=data["reason"]
    )


def _other(user: User, number: str, field: str) -> Ticket:
    try:
        return selectors.ticket_get(user=user, number=number)
    except NotFound as exc:
        raise ValidationFailed(exc.message, fields={field: number}) from None


def _link(user: User, ticket: Ticket, data: dict[str, Any]) -> Ticket:
    parent = _other(user, data["number"], "number") if data["number"] else None
    return changes.ticket_link(**_common(user, ticket, data), parent=parent)


def _duplicate(user: User, ticket: Ticket, data: dict[str, Any]) -> Ticket:
    original = _other(user, data["number"], "number")
    return services.ticket_mark_duplicate(**_common(user, ticket, data), original=original)


STEPS: dict[str, Step] = {
    "take": Step(
        f.VersionForm,
        gettext_lazy("Assign to me"),
        gettext_lazy("The ticket is yours."),
        _take,
        Action.ASSIGN,
        button=True,
        staff=True,
    ),
    "start": Step(
        f.VersionForm,
        gettext_lazy("Start work"),
        gettext_lazy("Work started."),
        lambda u, t, d: services.ticket_start(**_common(u, t, d)),
        Action.START,
        button=True,
    ),
    "resume": Step(
        f.VersionForm,
        gettext_lazy("Resume"),
        gettext_lazy("Work resumed; the clock runs again."),
        lambda u, t, d: services.ticket_resume(**_common(u, t, d)),
        Action.RESUME,
        button=True,
    ),
    "close": Step(
        f.VersionForm,
        gettext_lazy("Close"),
        gettext_lazy("Ticket closed."),
        lambda u, t, d: services.ticket_close(**_common(u, t, d)),
        Action.CLOSE,
        button=True,
    ),
    "assign": Step(
        f.AssignForm,
        gettext_lazy("Assign"),
        gettext_lazy("Ticket assigned."),
        lambda u, t, d: services.ticket_assign(
            **_common(u, t, d), assignee=d["assignee"], group=d["group"]
        ),
        Action.ASSIGN,
        staff=True,
    ),
    "pend": Step(
        f.PendForm,
        gettext_lazy("Pend"),
        gettext_lazy("The ticket waits."),
        lambda u, t, d: services.ticket_pend(
            **_common(u, t, d), reason=d["reason"], note=d["note"]
        ),
        Action.PEND,
    ),
    "escalate": Step(
        f.EscalateForm,
        gettext_lazy("Escalate"),
        gettext_lazy("Escalated."),
        _escalate,
        Action.ESCALATE,
        staff=True,
    ),
    "resolve": Step(
        f.ResolveForm,
        gettext_lazy("Resolve"),
        gettext_lazy("Ticket resolved."),
        lambda u, t, d: services.ticket_resolve(
            **_common(u, t, d),
            resolution_code=d["resolution_code"],
            summary=d["summary"],
            cause=d["cause"],
        ),
        Action.RESOLVE,
    ),
    "reopen": Step(
        f.ReopenForm,
        gettext_lazy("Reopen"),
        gettext_lazy("Ticket reopened."),
        lambda u, t, d: services.ticket_reopen(**_common(u, t, d), reason=d["reason"]),
        Action.REOPEN,
    ),
    "cancel": Step(
        f.CancelForm,
        gettext_lazy("Cancel"),
        gettext_lazy("Ticket cancelled."),
        lambda u, t, d: services.ticket_cancel(**_common(u, t, d), reason=d["reason"]),
        Action.CANCEL,
    ),
    "categorise": Step(
        f.CategoriseForm,
        gettext_lazy("Categorise"),
        gettext_lazy("Category changed."),
        lambda u, t, d: changes.ticket_recategorise(
            **_common(u, t, d), category=d["category"], cause=d["cause"], note=d["note"]
        ),
    ),
    "priority": Step(
        f.PriorityForm,
        gettext_lazy("Impact and urgency"),
        gettext_lazy("Priority changed."),
        lambda u, t, d: changes.ticket_reprioritise(
            **_common(u, t, d), impact=d["impact"], urgency=d["urgency"], reason=d["reason"]
        ),
    ),
    "convert": Step(
        f.ConvertForm,
        gettext_lazy("Convert"),
        gettext_lazy("Ticket converted."),
        lambda u, t, d: changes.ticket_convert(
            **_common(u, t, d),
            kind=f.ConvertForm.target_for(t),
            category=d["category"],
            reason=d["reason"],
        ),
    ),
    "link": Step(
        f.LinkForm,
        gettext_lazy("Link to a parent"),
        gettext_lazy("Link saved."),
        _link,
    ),
    "duplicate": Step(
        f.DuplicateForm,
        gettext_lazy("Mark as duplicate"),
        gettext_lazy("Marked as a duplicate and cancelled."),
        _duplicate,
        Action.CANCEL,
        staff=True,
    ),
}


def steps_for(user: User, ticket: Ticket) -> list[str]:
    """The names of the actions the user can take on the ticket now, in page order."""
    allowed = set(selectors.ticket_actions_for(user=user, ticket=ticket))
    names = []
    for name, step in STEPS.items():
        if step.action is None:
            ok = user.is_support_staff and ticket.status not in changes.FINAL
        else:
            ok = step.action in allowed and (user.is_support_staff or not step.staff)
            if name == "take":
                ok = ok and ticket.assignee_id != user.pk
        if ok:
            names.append(name)
    return names


@dataclass(frozen=True)
class Panel:
    name: str
    label: str
    form: f.ActionForm
    button: bool
    open: bool


def panels(
    user: User, ticket: Ticket, bound: tuple[str, f.ActionForm] | None = None
) -> list[Panel]:
    """One panel per action the user can take; `bound` is the form just posted with
    its errors, shown open."""
    result = []
    for name in steps_for(user, ticket):
        step = STEPS[name]
        if bound is not None and bound[0] == name:
            form, is_open = bound[1], True
        else:
            form, is_open = step.form(ticket=ticket), False
        result.append(Panel(name, str(step.label), form, step.button, is_open))
    return result
