"""Canned replies on the ticket page: the picker, and the chosen reply's text filled in
for the ticket, as the reply box it replaces."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from sigap.channels.canned import canned_for, canned_render, customer_language
from sigap.core.errors import NotFound
from sigap.desk.access import desk_view
from sigap.desk.ticket_views import CommentForm
from sigap.tickets import selectors
from sigap.tickets.models import Ticket


@require_GET
@desk_view
def canned_list(request: HttpRequest, number: str) -> HttpResponse:
    """The picker. Its form sends the choice here as ?canned=<id> (htmx cannot put a
    select's value in the path); that goes on to the reply's own address."""
    ticket = _ticket(request, number)
    chosen = request.GET.get("canned")
    if chosen is not None:
        if not chosen.isdigit():
            raise Http404(chosen)
        return redirect("desk:canned_get", number=ticket.number, reply_id=int(chosen))
    context = {
        "ticket": ticket,
        "replies": list(canned_for(ticket)),
        # The reply box the chosen text replaces: the ticket page's own field.
        "body_field": CommentForm()["body"],
    }
    return render(request, "desk/_canned.html", context)


@require_GET
@desk_view
def canned_get(request: HttpRequest, number: str, reply_id: int) -> HttpResponse:
    """The reply box of the ticket page, holding the reply's text in the customer's
    language; only a reply the ticket is offered can be had."""
    ticket = _ticket(request, number)
    reply = canned_for(ticket).filter(pk=reply_id).first()
    if reply is None:
        raise Http404(reply_id)
    body = canned_render(
        reply, ticket=ticket, agent=request.user, language=customer_language(ticket)
    )
    form = CommentForm(initial={"body": body})
    # htmx moves the focus to the new box, so a keyboard user lands on the text.
    form.fields["body"].widget.attrs["autofocus"] = True
    # The field renders itself (escaped) exactly as the page draws it, label link and all.
    return HttpResponse(str(form["body"]))


def _ticket(request: HttpRequest, number: str) -> Ticket:
    if not request.user.is_support_staff:
        raise Http404(number)  # replies to customers are the support team's
    try:
        return selectors.ticket_get(user=request.user, number=number)
    except NotFound:
        raise Http404(number) from None
