"""What the survey and broadcast tests share."""

from __future__ import annotations

import re

from sigap.tickets.models import Cause, Ticket
from sigap.tickets.services import ticket_close, ticket_resolve

LINK = re.compile(r"http://127\.0\.0\.1:8000(/survey/[^/\s]+/)")


def resolve_and_close(ticket: Ticket, capture) -> Ticket:
    """Resolve and close the ticket, running what its commits queue (the survey)."""
    with capture(execute=True):
        ticket = ticket_resolve(
            ticket=ticket,
            by=None,
            resolution_code="resolved_remotely",
            summary="Unit direset dari jarak jauh.",
            cause=Cause.objects.filter(categories=ticket.category).order_by("code").first(),
        )
    with capture(execute=True):
        ticket = ticket_close(ticket=ticket, by=None)
    return ticket


def survey_path(text: str) -> str:
    """The survey page's path in a message's text."""
    found = LINK.search(text)
    assert found, f"no survey link in {text!r}"
    return found.group(1)
