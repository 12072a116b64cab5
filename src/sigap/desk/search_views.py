"""Ticket search: one box for a ticket number, plate, IMEI, phone, e-mail or words."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sigap.core import clock
from sigap.core.errors import ValidationFailed
from sigap.desk.access import desk_view
from sigap.desk.queue_views import sla_cell, sla_formats
from sigap.tickets.search import RANKED_LIMIT, Found, ticket_search_page

PAGE_SIZE = 50
# Longer than any identifier or sensible phrase; keeps a pasted e-mail out of the query.
QUERY_LIMIT = 200


@require_GET
@desk_view
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:QUERY_LIMIT]
    user, problems = request.user, []
    cursor = request.GET.get("cursor") or None
    try:
        page = ticket_search_page(user=user, query=query, cursor=cursor, limit=PAGE_SIZE)
    except ValidationFailed:
        problems.append(_("That page of results no longer exists; here is the first page."))
        page = ticket_search_page(user=user, query=query, limit=PAGE_SIZE)
    if page.exact is not None:
        # The number of a ticket this user may see: its page is what they came for.
        return redirect("desk:ticket", number=page.exact.number)
    now, formats = clock.now(), sla_formats()
    context = {
        "title": _("Search"),
        "query": query,
        "rows": [{"ticket": t, "sla": sla_cell(t, now, formats)} for t in page.items],
        "ranked": page.found == Found.RANKED,
        "capped": page.capped,
        "limit": RANKED_LIMIT,
        "next_query": urlencode({"q": query, "cursor": page.next_cursor})
        if page.next_cursor
        else "",
        "problems": problems,
        "sla_formats": formats,
    }
    return render(request, "desk/search.html", context)
