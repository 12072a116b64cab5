"""Sending the desk's messages by WhatsApp (the `Transport` of this channel).

WhatsApp delivers free text only inside the customer-service window: 24 hours from
the customer's last message. Outside it, only an approved template can be sent; ours
(one per language) carries the ticket number and the text as its two parameters:

    sigap_update_id: "Kabar terbaru tiket {{1}}: {{2}}"
    sigap_update_en: "An update on ticket {{1}}: {{2}}"

The names come from SIGAP_WHATSAPP_TEMPLATE_ID / SIGAP_WHATSAPP_TEMPLATE_EN. A message
on no ticket (a broadcast notice) goes by the notice template instead, which carries
only the text (SIGAP_WHATSAPP_TEMPLATE_NOTICE_ID / _EN):

    sigap_notice_id: "Pemberitahuan: {{1}}"
    sigap_notice_en: "Notice: {{1}}"

When the API refuses a text with 131047 (the window closed meanwhile), the same
message goes out as the template; `intake.template_fallback` does the same for a
131047 that arrives later as a failed status report.

A message with a `payload` (an interactive list, such as a survey's choices) sends
that payload inside the window; outside it a template cannot be interactive, so the
text, which says the same in words, goes as the template.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings

from sigap.channels.choices import Direction
from sigap.channels.models import Message
from sigap.channels.transport import TransportError
from sigap.channels.whatsapp import graph
from sigap.core import clock
from sigap.tickets.choices import Channel

WINDOW = timedelta(hours=24)
TEXT_MAX = 4096  # characters in a WhatsApp text message
PARAMETER_MAX = 900  # a template's body, parameters included, is at most 1,024


def template_for(language: str) -> str:
    """The approved template's name for the customer's language."""
    if language == "en":
        return settings.SIGAP_WHATSAPP_TEMPLATE_EN
    return settings.SIGAP_WHATSAPP_TEMPLATE_ID


def notice_template_for(language: str) -> str:
    """The approved template for a message on no ticket (a notice), by language."""
    if language == "en":
        return settings.SIGAP_WHATSAPP_TEMPLATE_NOTICE_EN
    return settings.SIGAP_WHATSAPP_TEMPLATE_NOTICE_ID


def message_template(message: Message) -> str:
    """The template this message goes by outside the window: a ticket's update, or a
    notice when there is no ticket to name."""
    if message.ticket_id:
        return template_for(message.language)
    return notice_template_for(message.language)


def window_open(message: Message) -> bool:
    """Whether the customer wrote to us by WhatsApp in the last 24 hours."""
    recent = Message.objects.filter(
        channel=Channel.WHATSAPP,
        direction=Direction.IN,
        sender=message.recipient,
        created_at__gt=clock.now() - WINDOW,
    )
    if message.contact_id:
        recent = recent.filter(contact_id=message.contact_id)
    return recent.exists()


def _text(message: Message) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.recipient,
        "type": "text",
        "text": {"preview_url": False, "body": message.body},
    }


def _interactive(message: Message) -> dict[str, Any]:
    # The stored payload is the message itself ({"type": "interactive", ...}); who it
    # goes to is the row's recipient, never something stored inside it.
    return {
        **message.payload,
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.recipient,
    }


def _one_line(text: str, limit: int) -> str:
    # Template parameters may hold no new lines or tabs, nor more than four spaces in a row.
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _template(message: Message, name: str) -> dict[str, Any]:
    text = _one_line(message.body, PARAMETER_MAX) or "-"
    if message.ticket_id:
        parameters = [message.ticket.number or "-", text]
    else:
        parameters = [text]  # the notice template has the text only
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.recipient,
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": message.language if message.language in ("id", "en") else "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": p} for p in parameters],
                }
            ],
        },
    }


class WhatsAppTransport:
    """POST {SIGAP_WHATSAPP_API_BASE}/{SIGAP_WHATSAPP_PHONE_NUMBER_ID}/messages."""

    def send(self, message: Message) -> str:
        if not graph.configured():
            raise TransportError(
                "WhatsApp is not configured: set SIGAP_WHATSAPP_ACCESS_TOKEN and "
                "SIGAP_WHATSAPP_PHONE_NUMBER_ID",
                retry=False,
            )
        if not message.recipient.isdigit():
            raise TransportError(
                f"{message.recipient!r} is not a WhatsApp number (digits only)", retry=False
            )
        try:
            if message.template or not window_open(message):
                return self._send_template(message)
            if len(message.body) > TEXT_MAX:
                raise TransportError(
                    f"the text is {len(message.body)} characters; WhatsApp takes {TEXT_MAX}",
                    retry=False,
                )
            try:
                if message.payload:
                    return graph.message_post(_interactive(message))
                return graph.message_post(_text(message))
            except graph.GraphError as exc:
                if exc.code != graph.REENGAGEMENT:
                    raise
            # The window closed between our check and WhatsApp's: the template says it.
            return self._send_template(message)
        except graph.GraphError as exc:
            raise TransportError(str(exc), retry=exc.retry) from exc

    def _send_template(self, message: Message) -> str:
        name = message.template or message_template(message)
        if message.template != name:
            # Recorded first, so the desk sees what the customer was actually sent.
            Message.objects.filter(pk=message.pk).update(template=name)
            message.template = name
        return graph.message_post(_template(message, name))
