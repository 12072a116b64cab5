"""Webhook deliveries in the shape Meta documents, and a client that signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.test import Client

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550783881"
CUSTOMER = "6281234567890"  # a WhatsApp id: the number's digits, with country code
TIMESTAMP = "1767578400"  # 2026-01-05 02:00 UTC


def message(wamid: str, kind: str, content: Any, *, sender: str = CUSTOMER, **extra) -> dict:
    return {
        "from": sender,
        "id": wamid,
        "timestamp": TIMESTAMP,
        "type": kind,
        kind: content,
        **extra,
    }


def text(wamid: str, body: str = "Unit B 1234 XYZ tidak update sejak pagi", **extra) -> dict:
    return message(wamid, "text", {"body": body}, **extra)


def status(wamid: str, state: str, *, errors: list[dict] | None = None) -> dict:
    report = {
        "id": wamid,
        "status": state,
        "timestamp": TIMESTAMP,
        "recipient_id": CUSTOMER,
        "conversation": {"id": "c0ffee", "origin": {"type": "service"}},
        "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"},
    }
    if errors:
        report["errors"] = errors
    return report


def delivery(
    messages: list[dict] = (),
    statuses: list[dict] = (),
    *,
    name: str = "Budi Santoso",
    wa_id: str = CUSTOMER,
) -> dict:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }


def signature(raw: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def post(payload: dict | bytes, *, sign: bool = True, client: Client | None = None, **headers):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    if sign:
        headers.setdefault("HTTP_X_HUB_SIGNATURE_256", signature(raw))
    return (client or Client()).post(
        "/hooks/whatsapp", raw, content_type="application/json", **headers
    )
