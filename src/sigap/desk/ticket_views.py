"""One ticket: what the desk knows of it and the customer, and its timeline."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sigap.desk.access import desk_view


@require_GET
@desk_view
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    raise Http404(number)
