"""One ticket: what the desk knows of it and the customer, and its timeline."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sigap.channels.canned import canned_for, canned_render, customer_language
from sigap.channels.services import ReplyRoutes, reply_routes, reply_to_customer
from sigap.core import clock
from sigap.core.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed
from sigap.desk.access import desk_view, wants_partial
from sigap.desk.action_forms import ActionForm, PriorityForm
from sigap.desk.ticket_actions import STEPS, panels, steps_for
from sigap.desk.ticket_page import TicketPage, ticket_page_get
from sigap.routing import escalation as escalation_service
from sigap.routing.models import Escalation
from sigap.sla.choices import Level
from sigap.sla.clocks import PriorityPreview, priority_preview
from sigap.tickets import selectors
from sigap.tickets import services as tickets
from sigap.tickets.choices import TRANSITIONS, Channel, Via
from sigap.tickets.models import Ticket
from sigap.tickets.services import transition_refusal

TEXT_LIMIT = 10_000


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Reply or note"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write the reply or the note first.")},
    )

    def __init__(self, *args, routes: ReplyRoutes | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        options = []
        if routes is not None:
            if routes.usual is None:
                options.append(("", _("On the ticket: the customer reads it in the portal")))
            options += [(c, f"{Channel(c).label}: {address}") for c, address in routes.all]
        if options:
            # The page shows it only where there is a choice; the usual way comes first.
            self.fields["channel"] = forms.ChoiceField(
                label=_("Send the reply by"),
                choices=options,
                required=False,
                widget=forms.RadioSelect,
                initial=options[0][0],
            )


@require_GET
@desk_view
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    page = _page_get(request.user, number)
    form = None
    if request.user.is_support_staff:
        form = CommentForm(
            initial={"body": _canned_body(request, page.ticket)},
            routes=reply_routes(page.ticket),
        )
    return _page(request, page, form)


def _canned_body(request: HttpRequest, ticket: Ticket) -> str:
    """The canned reply chosen without JavaScript (?canned=<id>), filled in for the
    ticket in the customer's language; with htmx the picker swaps the box itself."""
    chosen = request.GET.get("canned", "")
    reply = canned_for(ticket).filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if reply is None:
        return ""
    language = customer_language(ticket)
    return canned_render(reply, ticket=ticket, agent=request.user, language=language)


def _page_get(user, number: str) -> TicketPage:
    try:
        return ticket_page_get(user=user, number=number)
    except NotFound:
        # desk_view answers the same 404 whether it does not exist or is not theirs.
        raise Http404(number) from None


def _page(
    request: HttpRequest,
    page: TicketPage,
    form: CommentForm | None,
    status: int = 200,
    bound: tuple[str, ActionForm] | None = None,
    preview: PriorityPreview | None = None,
) -> HttpResponse:
    user = request.user
    context = {
        "page": page,
        "ticket": page.ticket,
        "comment_form": form,
        "canned_replies": list(canned_for(page.ticket)) if form is not None else [],
        "panels": panels(user, page.ticket, bound),
        "preview": preview,
        "my_groups": set(user.support_groups.values_list("pk", flat=True)),
    }
    return render(request, "desk/ticket.html", context, status=status)


@require_POST
@desk_view
def ticket_comment(request: HttpRequest, number: str) -> HttpResponse:
    """A reply to the customer (sent through the channel they used) or an internal
    note, from the ticket page; back to the page so a reload does not post again."""
    user = request.user
    if not user.is_support_staff:
        raise Http404(number)  # a vendor answers through its own link
    ticket = _ticket_get(user, number)
    form = CommentForm(request.POST, routes=reply_routes(ticket))
    public = request.POST.get("kind") == "reply"
    if form.is_valid():
        body = form.cleaned_data["body"]
        try:
            if public:
                channel = form.cleaned_data.get("channel") or None
                reply_to_customer(ticket=ticket, by=user, body=body, via=Via.DESK, channel=channel)
            else:
                tickets.ticket_comment(ticket=ticket, by=user, body=body, public=False)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            done = _("Reply sent to the customer.") if public else _("Internal note added.")
            messages.success(request, done)
            return redirect("desk:ticket", number=ticket.number)
    return _page(request, _page_get(user, number), form, status=400)


def _ticket_get(user, number: str) -> Ticket:
    try:
        return selectors.ticket_get(user=user, number=number)
    except NotFound:
        raise Http404(number) from None


@require_POST
@desk_view
def ticket_act(request: HttpRequest, number: str, name: str) -> HttpResponse:
    """One of the page's actions. Done: back to the page with what happened. Refused
    because the ticket changed or its state forbids it: the page as it is now, with
    why (409). Something missing or wrong: the form again, open, with what (400)."""
    user = request.user
    ticket = _ticket_get(user, number)
    if name not in steps_for(user, ticket):
        step = STEPS.get(name)
        if step is None:
            raise Http404(name)
        messages.error(request, _refusal(ticket, step))
        return _page(request, _page_get(user, number), _comment_form(user, ticket), status=409)
    step = STEPS[name]
    form = step.form(request.POST, ticket=ticket)
    if name == "priority" and "preview" in request.POST:
        return _priority_preview(request, page_form=form, ticket=ticket)
    if form.is_valid():
        try:
            step.run(user, ticket, form.cleaned_data)
        except (Conflict, InvalidTransition) as exc:
            messages.error(request, exc.message)
            return _page(request, _page_get(user, number), _comment_form(user, ticket), status=409)
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, str(step.done))
            return redirect("desk:ticket", number=ticket.number)
    return _page(request, _page_get(user, number), _comment_form(user, ticket), 400, (name, form))


def _priority_preview(request: HttpRequest, *, page_form: ActionForm, ticket: Ticket):
    """The priority and deadlines impact and urgency would give, before saving: a
    piece of the page for htmx, the page with the form kept open without it."""
    data = {name: page_form.data.get(name) for name in ("impact", "urgency", "reason")}
    levels = Level.values
    if data["impact"] not in levels or data["urgency"] not in levels:
        preview = None
    else:
        preview = priority_preview(
            ticket, impact=data["impact"], urgency=data["urgency"], now=clock.now()
        )
    if wants_partial(request):
        return render(request, "desk/_priority_preview.html", {"preview": preview})
    user = request.user
    unbound = PriorityForm(ticket=ticket, initial=data)
    page = _page_get(user, ticket.number)
    return _page(request, page, _comment_form(user, ticket), 200, ("priority", unbound), preview)


def _comment_form(user, ticket: Ticket) -> CommentForm | None:
    return CommentForm(routes=reply_routes(ticket)) if user.is_support_staff else None


def _refusal(ticket: Ticket, step) -> str:
    if step.action is not None and ticket.status not in TRANSITIONS[step.action][0]:
        return transition_refusal(ticket, step.action)
    return _("You cannot do this to %(number)s now.") % {"number": ticket.number}


def _form_errors(form: ActionForm, exc: ValidationFailed) -> None:
    """The service's refusal at the top of the form; what it says of a field (a
    sentence, not just the value it refused) next to that field."""
    form.add_error(None, exc.message)
    for field, text in exc.fields.items():
        if field in form.fields and text.endswith(".") and text != exc.message:
            form.add_error(field, text)


@require_POST
@desk_view
def escalation_acknowledge(request: HttpRequest, number: str, escalation_id: int) -> HttpResponse:
    """A member of the receiving group takes the escalation on; the reminders stop."""
    user = request.user
    ticket = _ticket_get(user, number)
    escalation = Escalation.objects.filter(pk=escalation_id, ticket=ticket).first()
    if escalation is None:
        raise Http404(escalation_id)
    try:
        escalation_service.escalation_acknowledge(escalation=escalation, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page(request, _page_get(user, number), _comment_form(user, ticket), status=409)
    messages.success(request, _("Escalation acknowledged; the reminders stop."))
    return redirect("desk:ticket", number=ticket.number)
