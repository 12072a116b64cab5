"""The queues: the lists of tickets an agent works from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sigap.desk.access import desk_view


@require_GET
@desk_view
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/queue.html", {"title": _("Queues")})
