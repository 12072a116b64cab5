from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def database_unavailable_response() -> JsonResponse:
    response = JsonResponse(
        {
            "error": "unavailable",
            "message": _("Sigap cannot reach its database right now. Please retry shortly."),
            "fields": {},
        },
        status=503,
    )
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 (retry later) instead of 500 when the database is down.

    A sender that gets 5xx retries; with intake deduplicated by the sender's id,
    the retry cannot double a record.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)) or (
            type(exception) is DatabaseError
        ):
            log.error("database unavailable: %s", exception)
            return database_unavailable_response()
        return None


class UserLanguageMiddleware:
    """Speak the signed-in user's preferred language (after LocaleMiddleware, which
    only knows the browser's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "language", None):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
