"""`/hooks/traccar` and `/hooks/osmand`: authenticate, decode, store, answer.

The hooks take what the tracking engines send (Traccar's event and position
forwarding, the OsmAnd protocol) and answer 200 only once the heartbeat is committed;
a sender that gets 5xx retries, and a retry changes nothing (see `state`). Bad input
gets 4xx with what is wrong; nothing of it is stored.

`hook()` is independent of Django's request object, so the views and the lean WSGI
entry (`telematics.wsgi`) share it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.telematics import decode
from sigap.telematics.batching import writer
from sigap.telematics.heartbeat import Heartbeat
from sigap.telematics.state import directory

MAX_BODY = 1024 * 1024
MAX_ITEMS = 1000


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


def _error(status: int, code: str, message: str, fields: dict | None = None) -> Answer:
    return Answer(status, {"error": code, "message": message, "fields": fields or {}})


def _token_given(authorization: str, query: Mapping[str, str]) -> str:
    scheme, _sep, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return query.get("token", "")


def _refusal(authorization: str, query: Mapping[str, str]) -> Answer | None:
    expected = str(settings.SIGAP_TELEMETRY_TOKEN)
    if not expected:
        # 5xx, not 4xx: the engine keeps the data and retries once we are configured.
        return _error(
            503,
            "not_configured",
            _("Telemetry intake is not configured: SIGAP_TELEMETRY_TOKEN is not set."),
        )
    given = _token_given(authorization, query)
    if not given:
        return _error(
            401,
            "unauthenticated",
            _(
                "Send the telemetry token as “Authorization: Bearer <token>” or as token= in the URL."
            ),
        )
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return _error(403, "forbidden", _("The telemetry token is wrong."))
    return None


def _json(body: bytes, *, many: bool = False) -> dict | list:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise decode.BadTelemetry(
            _("The body is not valid JSON: %(error)s") % {"error": exc}
        ) from None
    if many and isinstance(payload, list):
        if len(payload) > MAX_ITEMS:
            raise decode.BadTelemetry(
                _("At most %(count)d items per request.") % {"count": MAX_ITEMS}
            )
        return payload
    if not isinstance(payload, dict):
        raise decode.BadTelemetry(
            _("The body must be a JSON object (or an array of them).")
            if many
            else _("The body must be a JSON object.")
        )
    return payload


def _traccar(body: bytes) -> list[Heartbeat]:
    """One forwarded event or position, as Traccar sends; or an array of them, as a
    relay that gathers them may (each item is refused by its position in the array)."""
    payload = _json(body, many=True)
    if isinstance(payload, dict):
        return [decode.traccar(payload)]
    beats = []
    for index, item in enumerate(payload):
        try:
            if not isinstance(item, dict):
                raise decode.BadTelemetry(_("Each item must be a JSON object."))
            beats.append(decode.traccar(item))
        except decode.BadTelemetry as bad:
            raise decode.BadTelemetry(
                f"[{index}] {bad.message}", fields={f"[{index}]": bad.message}
            ) from None
    return beats


def _decode(
    source: str, method: str, query: Mapping[str, str], body: bytes, content_type: str
) -> list[Heartbeat]:
    now = timezone.now()
    if source == "traccar":
        if method != "POST":
            raise decode.BadTelemetry(_("Traccar forwards by POST."))
        return _traccar(body)
    if method == "POST" and content_type.startswith("application/json"):
        return [decode.osmand_json(_json(body), received_at=now)]
    params = dict(query)
    if method == "POST" and body:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    params.pop("token", None)
    return [decode.osmand(params, received_at=now)]


def hook(
    source: str,
    *,
    method: str,
    query: Mapping[str, str],
    body: bytes,
    content_type: str = "",
    authorization: str = "",
) -> Answer:
    refusal = _refusal(authorization, query)
    if refusal is not None:
        return refusal
    if len(body) > MAX_BODY:
        return _error(413, "too_large", _("The body is larger than 1 MB."))
    try:
        beats = _decode(source, method, query, body, content_type)
    except decode.BadTelemetry as bad:
        return _error(422 if bad.fields else 400, bad.code, bad.message, bad.fields)
    known = directory.find(beat.imei for beat in beats)
    unknown = sorted({beat.imei for beat in beats} - set(known))
    if unknown:
        return _error(
            422,
            "unknown_unit",
            _("No unit with IMEI %(imei)s is registered in Sigap.") % {"imei": ", ".join(unknown)},
            {"imei": ", ".join(unknown)},
        )
    applied = writer.submit(beats)
    return Answer(200, {"stored": len(beats), "units": applied.units})
