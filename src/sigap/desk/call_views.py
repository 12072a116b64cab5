"""Log a call: the agent finds who is calling by phone number, plate or IMEI, then logs
the call on one of the caller's open tickets or opens a new ticket from it.

The writes are `channels.phone.services.call_log`; these views only check what was
typed and say what is wrong next to the field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sigap.accounts.models import User
from sigap.channels.phone import services as phone_calls
from sigap.channels.phone.selectors import Caller, caller_find
from sigap.core.errors import DomainError, NotFound
from sigap.customers.models import Vehicle
from sigap.customers.validators import normalise_phone
from sigap.desk.access import desk_view
from sigap.sla.choices import Level
from sigap.sla.proposal import Scope
from sigap.tickets.choices import Kind
from sigap.tickets.models import Category, Ticket
from sigap.tickets.selectors import categories_active, category_by_code, causes_for, ticket_get

TEXT_LIMIT = 10_000
# The caller's fleet and open tickets can be long; the screen shows the first ones.
VEHICLES_SHOWN = 20
TICKETS_SHOWN = 30
# The "ticket" radio that opens a new ticket instead of choosing an open one.
NEW = "new"
# What the agent fills in only for a new ticket; kind and scope have defaults.
NEW_TICKET_TYPED = ("title", "category", "description", "impact", "urgency")


def _levels(blank: str) -> list[tuple[str, Any]]:
    return [("", blank), *Level.choices]


class CallForm(forms.Form):
    """One call: who called, what was said, and the ticket it is about or opens."""

    # The form's own id for the call, made when it is shown: a second submission of the
    # same form (a double click, a reload after POST) finds the call already logged.
    call_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy(
                "This form was out of date. Please check it and send it again."
            ),
            "invalid": gettext_lazy(
                "This form was out of date. Please check it and send it again."
            ),
        },
    )
    phone = forms.CharField(
        label=gettext_lazy("Calling from (phone number)"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Type the number the customer is calling from.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Caller's name"),
        help_text=gettext_lazy("For a number the desk does not know yet."),
        max_length=200,
        required=False,
    )
    summary = forms.CharField(
        label=gettext_lazy("What was said on the call"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Say what was said on the call.")},
    )
    ticket = forms.CharField(max_length=32, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Kind.choices,
        initial=Kind.INCIDENT,
        widget=forms.RadioSelect,
        required=False,
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("There is no such category: choose one from the list.")
        },
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Vehicles affected"),
        choices=Scope.choices,
        initial=Scope.ONE,
        widget=forms.RadioSelect,
        required=False,
    )
    moving = forms.BooleanField(
        label=gettext_lazy("The vehicle is moving (on the road now)"), required=False
    )
    impact = forms.ChoiceField(
        label=gettext_lazy("Impact"),
        choices=_levels(gettext_lazy("Let Sigap propose")),
        required=False,
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"),
        choices=_levels(gettext_lazy("Let Sigap propose")),
        required=False,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["call_id"].initial = uuid.uuid4
        category = self.fields["category"]
        category.choices = [("", _("Choose a category")), *category_choices()]
        # The known causes of the category chosen appear under the picker (htmx).
        category.widget.attrs.update(
            {"hx-get": reverse("desk:call_causes"), "hx-trigger": "change", "hx-target": "#causes"}
        )

    def renew_call_id(self) -> None:
        """A form sent without a valid call id comes back with a new one, so that
        sending it again works and is still logged only once."""
        if self.is_bound and "call_id" in self.errors:
            self.data = self.data.copy()
            self.data["call_id"] = str(uuid.uuid4())

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean_ticket(self) -> Ticket | None:
        number = self.cleaned_data["ticket"].strip()
        if number in ("", NEW):
            return None
        try:
            return ticket_get(user=self.user, number=number)
        except NotFound:
            raise ValidationError(
                _("There is no ticket %(number)s.") % {"number": number}, code="no_ticket"
            ) from None

    def clean_category(self) -> Category | None:
        code = self.cleaned_data["category"]
        return category_by_code(code) if code else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors.get("ticket"):
            return cleaned
        typed = [name for name in NEW_TICKET_TYPED if self.data.get(name)]
        if cleaned.get("ticket") is not None:
            if typed:
                self.add_error(
                    None,
                    _(
                        "You chose an open ticket and also filled in a new one. Choose "
                        "“Open a new ticket”, or clear the new ticket's fields."
                    ),
                )
            return cleaned
        if not typed and self.data.get("ticket", "") != NEW:
            self.add_error(
                None,
                _("Choose the open ticket the call is about, or fill in the new ticket it opens."),
            )
            return cleaned
        required = {
            "kind": _("Say whether it is an incident or a request."),
            "category": _("Choose the new ticket's category."),
            "title": _("Give the new ticket a title."),
        }
        for name, message in required.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def new_ticket(self) -> dict[str, Any]:
        """The new ticket's fields as `call_log` takes them; empty for an open ticket."""
        data = self.cleaned_data
        if data["ticket"] is not None:
            return {}
        return {
            "kind": data["kind"],
            "title": data["title"],
            "category": data["category"],
            "description": data["description"],
            "impact": data["impact"] or None,
            "urgency": data["urgency"] or None,
            "scope": data["scope"] or None,
            "moving": data["moving"],
        }

    def refused(self, error: DomainError) -> None:
        """Put what the service refused next to the fields it names."""
        elsewhere = [m for name, m in error.fields.items() if name not in self.fields]
        if elsewhere or not error.fields:
            self.add_error(None, error.message)
        for name, message in error.fields.items():
            self.add_error(name if name in self.fields else None, message)


def category_choices() -> list[tuple[str, Any]]:
    """Active categories in the user's language: a top category with sub-categories is
    a group of them, one without is a choice of its own."""
    active = categories_active().select_related("parent")
    children: dict[int, list[Category]] = {}
    tops: list[Category] = []
    for category in active:
        if category.parent_id is None:
            tops.append(category)
        else:
            children.setdefault(category.parent_id, []).append(category)
    choices: list[tuple[str, Any]] = []
    for top in tops:
        below = children.pop(top.pk, [])
        if below:
            choices.append((top.name, [(c.code, c.name) for c in below]))
        else:
            choices.append((top.code, top.name))
    for below in children.values():  # under a top category no longer in use
        choices.extend((c.code, c.name) for c in below)
    return choices


@dataclass(frozen=True)
class CallerView:
    """What the screen shows of a caller."""

    query: str
    caller: Caller
    vehicles: list[Vehicle]
    vehicles_more: int
    open_tickets: list[Ticket]
    open_more: int

    @property
    def found(self) -> bool:
        return bool(self.caller.organisation or self.caller.contacts)

    @property
    def by_phone(self) -> bool:
        """Whether the number itself is a known contact's (then no name is needed)."""
        phone = self.caller.phone
        digits = phone.lstrip("+")
        return bool(phone) and any(
            c.phone == phone or (c.whatsapp_id and c.whatsapp_id == digits)
            for c in self.caller.contacts
        )

    @property
    def phone(self) -> str:
        """The number the call comes from, when the lookup was one: not when the caller
        was found by an IMEI (fifteen digits parse as a phone number too)."""
        if self.by_phone or not self.found:
            return self.caller.phone
        return ""


def caller_view(*, user: User, query: str) -> CallerView | None:
    query = query.strip()
    if not query:
        return None
    caller = caller_find(user=user, query=query)
    vehicles = list(caller.vehicles[: VEHICLES_SHOWN + 1])
    tickets = list(caller.open_tickets[: TICKETS_SHOWN + 1])
    return CallerView(
        query=query,
        caller=caller,
        vehicles=vehicles[:VEHICLES_SHOWN],
        vehicles_more=caller.vehicles.count() - VEHICLES_SHOWN
        if len(vehicles) > VEHICLES_SHOWN
        else 0,
        open_tickets=tickets[:TICKETS_SHOWN],
        open_more=caller.open_tickets.count() - TICKETS_SHOWN
        if len(tickets) > TICKETS_SHOWN
        else 0,
    )


def _staff_only(user: User) -> None:
    if not user.is_support_staff:
        raise Http404("calls")  # a vendor is not on the phone with customers


def _causes_context(code: str) -> dict[str, Any]:
    category = category_by_code(code) if code else None
    if category is None or not category.is_active:
        return {"category": None, "causes": []}
    return {"category": category, "causes": list(causes_for(category))}


def _page(
    request: HttpRequest, form: CallForm, found: CallerView | None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "found": found,
        "q": found.query if found else "",
        **_causes_context(str(form["category"].value() or "")),
    }
    return render(request, "desk/call.html", context, status=status)


@require_GET
@desk_view
def call_new(request: HttpRequest) -> HttpResponse:
    """The form; `?q=` looks the caller up, so the lookup works without JavaScript."""
    _staff_only(request.user)
    found = caller_view(user=request.user, query=request.GET.get("q", ""))
    initial = {"phone": found.phone} if found else {}
    return _page(request, CallForm(user=request.user, initial=initial), found)


@require_GET
@desk_view
def call_caller(request: HttpRequest) -> HttpResponse:
    """Who is calling, for htmx to put into the form as the agent types."""
    _staff_only(request.user)
    found = caller_view(user=request.user, query=request.GET.get("q", ""))
    form = CallForm(user=request.user, initial={"phone": found.phone} if found else {})
    return render(request, "desk/_caller.html", {"form": form, "found": found})


@require_GET
@desk_view
def call_causes(request: HttpRequest) -> HttpResponse:
    """The known causes of the chosen category, for htmx to show under the picker."""
    _staff_only(request.user)
    context = _causes_context(request.GET.get("category", ""))
    return render(request, "desk/_causes.html", context)


def _caller_organisation(user: User, query: str):
    """The organisation the agent's lookup found (by a plate or an IMEI, say), for a
    caller whose number the desk does not know yet."""
    found = caller_view(user=user, query=query)
    return found.caller.organisation if found is not None else None


@require_POST
@desk_view
def call_log(request: HttpRequest) -> HttpResponse:
    """Log the call; on to its ticket so that a reload does not post again."""
    user = request.user
    _staff_only(user)
    form = CallForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        ticket = data["ticket"]
        try:
            entry, logged = phone_calls.call_log(
                by=user,
                phone=data["phone"],
                name=data["name"],
                summary=data["summary"],
                ticket=ticket,
                call_id=str(data["call_id"]),
                organisation=_caller_organisation(user, request.POST.get("q", "")),
                **form.new_ticket(),
            )
        except DomainError as exc:
            form.refused(exc)
        else:
            number = entry.ticket.number
            if not logged:
                done = _("This call was already logged on %(number)s.")
            elif ticket is None:
                done = _("Call logged; ticket %(number)s opened from it.")
            else:
                done = _("Call logged on %(number)s.")
            messages.success(request, done % {"number": number})
            return redirect("desk:ticket", number=number)
    form.renew_call_id()
    # Show the caller again, as looked up, or else by the number typed when it is one.
    query = request.POST.get("q", "") or form.cleaned_data.get("phone", "")
    return _page(request, form, caller_view(user=user, query=query), status=400)
