"""One ticket: what the desk knows of it and the customer, and its timeline."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sigap.core.errors import NotFound
from sigap.desk.access import desk_view
from sigap.desk.ticket_page import ticket_page_get


@require_GET
@desk_view
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    try:
        page = ticket_page_get(user=request.user, number=number)
    except NotFound:
        # desk_view answers the same 404 whether it does not exist or is not theirs.
        raise Http404(number) from None
    return render(request, "desk/ticket.html", {"page": page, "ticket": page.ticket})
