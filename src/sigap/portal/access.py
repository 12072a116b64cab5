"""Who may use the portal, and the decorators every portal view wears.

Customers use it for their organisation's tickets. Support staff may open it to see
what a customer sees, but do not write in a customer's name: they work from the desk.
Everyone else is refused with a page that says why.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.accounts.models import User

View = Callable[..., HttpResponse]


def portal_refusal(user: User) -> str | None:
    """Why `user` may not use the portal, or None when they may."""
    if user.is_support_staff:
        return None
    if user.is_customer:
        if user.organisation_id is None or user.contact_id is None:
            return _(
                "Your customer account is not linked to your organisation yet. "
                "Please ask our support team to complete it."
            )
        return None
    return _(
        "This account cannot use the customer portal. The portal is for our customers; "
        "support staff work from the desk."
    )


def may_use_portal(user: User) -> bool:
    return user.is_active and portal_refusal(user) is None


def may_write(user: User) -> bool:
    """Whether the user may log tickets and reply here: customers only."""
    return user.is_customer and portal_refusal(user) is None


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "portal/refused.html", {"reason": reason}, status=403)


def portal_view(view: View) -> View:
    """Signed-in portal users only; times shown in the user's own time zone."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        reason = portal_refusal(user)
        if reason is not None:
            return refused(request, reason)
        # render() is immediate, so the page is drawn inside this block.
        with timezone.override(_zone(user)):
            try:
                return view(request, *args, **kwargs)
            except Http404:
                # The same answer whether it does not exist or is not theirs to see.
                return render(request, "portal/not_found.html", status=404)

    return wrapper


def customer_view(view: View) -> View:
    """A portal view that writes in the customer's name: staff are refused here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_write(request.user):
            return refused(
                request,
                _(
                    "Support staff can look at the portal but not write in a customer's "
                    "name. Please work the ticket from the desk."
                ),
            )
        return view(request, *args, **kwargs)

    return portal_view(wrapper)
