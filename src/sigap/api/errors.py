"""Every API error is `{"error": code, "message": text, "fields": {...}}`."""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sigap.core.errors import DomainError
from sigap.core.middleware import database_unavailable_response

log = logging.getLogger(__name__)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": code, "message": message, "fields": fields or {}}


def _field_name(loc: list) -> str:
    # ("body", "payload", "impact") -> "impact"; ("query", "limit") -> "limit"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or "body"


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.fields), status=exc.status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(list(err.get("loc", []))), str(err.get("msg", "")))
        return api.create_response(
            request,
            error_body("validation_error", _("Some fields are missing or not valid."), fields),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body(
                "unauthenticated",
                _("Send a valid API token as 'Authorization: Bearer <token>'."),
            ),
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "bad_request" if exc.status_code == 400 else f"http_{exc.status_code}"
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, error_body("not_found", str(exc) or _("Not found.")), status=404
        )

    @api.exception_handler(DatabaseError)
    def database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        if isinstance(exc, (OperationalError, InterfaceError)) or type(exc) is DatabaseError:
            log.error("database unavailable: %s", exc)
            return database_unavailable_response()
        raise exc
