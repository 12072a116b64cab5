"""`/hooks/whatsapp`: Meta's verification handshake (GET) and its deliveries (POST).

The POST body is trusted only when its `X-Hub-Signature-256` is the HMAC-SHA256 of the
exact bytes received, keyed with the app secret, compared in constant time. Until
then nothing is parsed, let alone stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sigap.channels.whatsapp import intake
from sigap.channels.whatsapp.schema import BadPayload

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def signature_valid(raw: bytes, header: str, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().lower().encode())


@csrf_exempt  # Meta signs its deliveries; there is no session or form to protect
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _verify(request)
    return _deliver(request)


def _verify(request: HttpRequest) -> HttpResponse:
    """Meta subscribes the webhook by echoing `hub.challenge` once we know its token."""
    token = str(settings.SIGAP_WHATSAPP_VERIFY_TOKEN)
    if not token:
        return _error(
            503,
            "not_configured",
            _("The WhatsApp webhook is not configured: SIGAP_WHATSAPP_VERIFY_TOKEN is not set."),
        )
    mode = request.GET.get("hub.mode", "")
    given = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if mode != "subscribe" or not challenge:
        return _error(
            400,
            "bad_request",
            _("Expected hub.mode=subscribe, hub.verify_token and hub.challenge."),
        )
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _error(403, "forbidden", _("The verify token is wrong."))
    return HttpResponse(challenge, content_type="text/plain; charset=utf-8")


def _deliver(request: HttpRequest) -> HttpResponse:
    secret = str(settings.SIGAP_WHATSAPP_APP_SECRET)
    if not secret:
        # 5xx, not 4xx: Meta keeps the delivery and retries once we are configured.
        return _error(
            503,
            "not_configured",
            _("The WhatsApp webhook is not configured: SIGAP_WHATSAPP_APP_SECRET is not set."),
        )
    raw = request.body
    header = request.headers.get(SIGNATURE_HEADER, "")
    if not header:
        return _error(401, "unsigned", _("The X-Hub-Signature-256 header is missing."))
    if not signature_valid(raw, header, secret):
        log.warning("whatsapp webhook: a delivery with a wrong signature was refused")
        return _error(401, "bad_signature", _("The X-Hub-Signature-256 signature is wrong."))
    try:
        outcome = intake.webhook_receive(raw)
    except BadPayload as exc:
        return _error(
            400,
            "bad_payload",
            _("This is not a WhatsApp webhook payload: %(problems)s") % {"problems": exc},
        )
    return JsonResponse(outcome.as_dict())
