"""`POST /hooks/email`: a raw message pushed by a mail service or an MTA script.

The body is the message itself (`Content-Type: message/rfc822` or
`application/octet-stream`). The shared secret `SIGAP_EMAIL_HOOK_TOKEN` comes as
`Authorization: Bearer <token>` or `?token=`; `?mailbox=` names Sigap's receiving
address (default `SIGAP_SUPPORT_EMAIL`). Answers, all JSON:
201 stored, 200 stored before (or not stored by design: Sigap's own mail, a bounce
recorded on the mail it returns), 400 empty or unparseable (the latter quarantined),
401 bad token, 413 too large, 415 another content type, 503 hook not configured or
database down (the sender retries; intake is idempotent).
"""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sigap.core.middleware import database_unavailable_response

log = logging.getLogger(__name__)

CONTENT_TYPES = ("message/rfc822", "application/octet-stream")


def max_bytes() -> int:
    """The largest message the hook reads: well above the attachment limit, since a
    message carries its attachments base64-encoded and may carry several."""
    return max(25 * 1024 * 1024, 3 * settings.SIGAP_ATTACHMENT_MAX_BYTES)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, "fields": {}}, status=status)


def _token(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.GET.get("token", "")


@csrf_exempt
@require_POST
def hook(request: HttpRequest) -> JsonResponse:
    from sigap.channels.email.intake import Refused, take

    secret = str(settings.SIGAP_EMAIL_HOOK_TOKEN or "")
    if not secret:
        return _error(
            503,
            "not_configured",
            _("The e-mail hook is not configured: set SIGAP_EMAIL_HOOK_TOKEN to enable it."),
        )
    if not hmac.compare_digest(_token(request).encode(), secret.encode()):
        return _error(401, "unauthorized", _("A valid hook token is required."))
    limit = max_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return _error(
            413,
            "too_large",
            _("The message is larger than %(limit)s bytes.") % {"limit": limit},
        )
    # read(), not .body: .body refuses anything over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return _error(
            413, "too_large", _("The message is larger than %(limit)s bytes.") % {"limit": limit}
        )
    if not raw.strip():
        return _error(400, "empty", _("The request body is empty: send the raw message."))
    content_type = request.content_type.lower()
    if content_type not in CONTENT_TYPES:
        return _error(
            415,
            "unsupported_media_type",
            _("Send the raw message with Content-Type %(types)s, not %(given)s.")
            % {"types": " or ".join(CONTENT_TYPES), "given": content_type or "none"},
        )
    mailbox = request.GET.get("mailbox", "")
    try:
        received = take(raw, source="hook", mailbox=mailbox)
    except Refused as exc:
        return _error(
            400,
            "unparseable",
            _("The body is not an e-mail Sigap can read: %(reason)s. It is kept for review.")
            % {"reason": exc.reason},
        )
    except (OperationalError, InterfaceError) as exc:
        log.error("e-mail hook: database unavailable: %s", exc)
        return database_unavailable_response()
    if received is None:
        return JsonResponse(
            {
                "stored": False,
                "duplicate": False,
                "ticket": None,
                "message": _("Not stored: Sigap's own mail or a delivery report about it."),
            },
            status=200,
        )
    ticket = received.ticket
    return JsonResponse(
        {
            "stored": True,
            "duplicate": received.duplicate,
            "ticket": ticket.number if ticket is not None else None,
            "message_id": received.message.external_id,
        },
        status=200 if received.duplicate else 201,
    )
