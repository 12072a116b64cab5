"""The telemetry hooks' lean path: `/hooks/traccar` and `/hooks/osmand` answered
straight from WSGI, before Django's middleware and URL resolving.

The engines post thousands of heartbeats a second and need none of what the
middleware gives a browser (sessions, CSRF, messages, static files); the hooks'
work is `hooks.hook`, the same the Django views call, so both paths answer alike.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import translation
from django.utils.translation import gettext as _

from sigap.telematics.hooks import MAX_BODY, Answer, hook

log = logging.getLogger(__name__)

# What says the database cannot be reached (as `core.middleware` reads it): a retry may
# succeed. A plain DatabaseError is one too; its subclasses (integrity, programming)
# are faults of ours and are raised.
UNAVAILABLE = (OperationalError, InterfaceError)

SOURCES = {"/hooks/traccar": ("traccar", ("POST",)), "/hooks/osmand": ("osmand", ("GET", "POST"))}
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    503: "Service Unavailable",
}


def _language(environ: dict) -> str:
    accepted = environ.get("HTTP_ACCEPT_LANGUAGE", "").lower()
    first = accepted.split(",")[0].strip()
    return first[:2] if first[:2] in ("en", "id") else settings.LANGUAGE_CODE


def _body(environ: dict) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(min(length, MAX_BODY + 1)) if length > 0 else b""


def _answer(environ: dict, source: str, methods: tuple[str, ...]) -> tuple[Answer, dict]:
    method = environ.get("REQUEST_METHOD", "GET")
    if method not in methods:
        body = {
            "error": "method_not_allowed",
            "message": _("Use %(methods)s.") % {"methods": " or ".join(methods)},
            "fields": {},
        }
        return Answer(405, body), {"Allow": ", ".join(methods)}
    try:
        answer = hook(
            source,
            method=method,
            query=dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
            body=_body(environ),
            content_type=environ.get("CONTENT_TYPE", ""),
            authorization=environ.get("HTTP_AUTHORIZATION", ""),
        )
    except (DatabaseError, TimeoutError) as exc:
        if type(exc) is not DatabaseError and not isinstance(exc, (*UNAVAILABLE, TimeoutError)):
            raise
        log.error("telemetry not stored, database unavailable: %s", exc)
        if not connection.in_atomic_block:  # a broken connection of this thread: the next
            connection.close_if_unusable_or_obsolete()  # request reconnects
        return _unavailable(), {"Retry-After": "30"}
    return answer, {}


def _unavailable() -> Answer:
    message = _("Sigap cannot reach its database right now. Please retry shortly.")
    return Answer(503, {"error": "unavailable", "message": message, "fields": {}})


def telemetry_first(django_app: Callable) -> Callable:
    """Wrap the project's WSGI application: the hooks' paths are answered here."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        route = SOURCES.get(environ.get("PATH_INFO", ""))
        if route is None:
            return django_app(environ, start_response)
        # No request signals: their connection check (a round trip to the database on
        # every request) is for pages. A request thread touches the database only to
        # look up a unit it has not seen; the writer thread checks its own connection.
        with translation.override(_language(environ)):
            answer, headers = _answer(environ, *route)
        payload = json.dumps(answer.body).encode()
        start_response(
            f"{answer.status} {REASONS.get(answer.status, 'Error')}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(payload))),
                *headers.items(),
            ],
        )
        return [payload]

    return application
