"""Who may use the desk, and the decorator every desk view wears.

Support staff work every ticket here. A vendor's account sees only what was escalated
to its group. Customers never reach the desk: they have the portal.
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

from sigap.accounts.choices import Role
from sigap.accounts.models import User

View = Callable[..., HttpResponse]

# Who manages the service: they send broadcasts and read the dashboard.
MANAGEMENT = frozenset({Role.MANAGER, Role.HEAD_OF_INFRASTRUCTURE})


def is_management(user: User) -> bool:
    return user.is_superuser or bool(user.roles & MANAGEMENT)


def desk_refusal(user: User) -> str | None:
    """Why `user` may not use the desk, or None when they may."""
    if not user.is_active:
        return _("This account is switched off.")
    if user.is_support_staff or user.is_vendor:
        return None
    if user.is_customer:
        return _("The desk is for the support team. Customers follow their tickets in the portal.")
    return _("This account has no role on the desk yet. Please ask an administrator.")


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def desk_view(view: View) -> View:
    """Signed-in desk users only; times shown in the user's own time zone."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("desk:login"))
        reason = desk_refusal(user)
        if reason is not None:
            return render(request, "desk/refused.html", {"reason": reason}, status=403)
        with timezone.override(user_zone(user)):
            try:
                return view(request, *args, **kwargs)
            except Http404:
                # The same answer whether it does not exist or is not theirs to see.
                return render(request, "desk/not_found.html", status=404)

    return wrapper


def wants_partial(request: HttpRequest) -> bool:
    """htmx asking for a piece of a page: not a boosted link, which wants the whole
    page, nor a history restore after a cache miss, which swaps the whole body too."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )
