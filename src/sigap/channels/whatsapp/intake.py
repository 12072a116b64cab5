"""Taking a verified webhook delivery in: messages become ticket entries, status
reports update the messages Sigap sent.

One delivery may carry several messages and status reports. Each message is taken
in on its own (one transaction each, inside `message_receive`):
- a payload that is not the documented shape never gets here (the view answers 400);
- a message that is well formed but cannot be taken in (a type Sigap does not read,
  a sender id that is not a phone number) is quarantined whole, as a payload holding
  just that message, and the rest of the delivery is still taken in;
- a failure on Sigap's side (the database) propagates, the view answers 5xx and
  Meta delivers again; what was stored before the failure is then a duplicate.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import ValidationError

from sigap.channels.choices import Delivery, Direction
from sigap.channels.models import Message
from sigap.channels.services import (
    Inbound,
    Received,
    message_receive,
    message_status,
    quarantine_store,
)
from sigap.channels.whatsapp import schema
from sigap.channels.whatsapp.graph import REENGAGEMENT
from sigap.core import clock
from sigap.core.errors import DomainError
from sigap.customers.services import contact_for_phone
from sigap.tickets.attachments import safe_filename
from sigap.tickets.choices import OPEN_STATUSES, Channel
from sigap.tickets.models import Ticket

log = logging.getLogger(__name__)

CHANNEL = Channel.WHATSAPP
SOURCE = "hook"
MAP_URL = "https://www.google.com/maps/search/?api=1&query={lat},{lon}"


class Refused(Exception):
    """This message is well formed but cannot be taken in; it goes to the quarantine."""


@dataclass
class Outcome:
    """What one delivery did, answered to the sender and shown in the logs."""

    received: int = 0
    duplicates: int = 0
    statuses: int = 0
    quarantined: int = 0
    ignored: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def webhook_receive(raw: bytes, *, source: str = SOURCE) -> Outcome:
    """Take in every message and status report of one delivery (signature checked).

    Raises `schema.BadPayload` when `raw` is not the documented shape; then nothing
    has been stored.
    """
    data, webhook = parse(raw)
    outcome = Outcome()
    for e, entry in enumerate(webhook.entry):
        for c, change in enumerate(entry.changes):
            value = change.value
            if value is None:
                outcome.ignored += 1
                continue
            raw_value = data["entry"][e]["changes"][c]["value"]
            for m, message in enumerate(value.messages):
                try:
                    stored = message_take(value, message)
                except Refused as exc:
                    single = _single(data, e, c, raw_value["messages"][m])
                    quarantine_store(channel=CHANNEL, source=source, raw=single, error=str(exc))
                    log.warning("whatsapp message %s quarantined: %s", message.id, exc)
                    outcome.quarantined += 1
                    continue
                if stored is None:
                    outcome.ignored += 1
                elif stored.duplicate:
                    outcome.duplicates += 1
                else:
                    outcome.received += 1
            for status in value.statuses:
                if status_take(status):
                    outcome.statuses += 1
                else:
                    outcome.ignored += 1
    return outcome


def parse(raw: bytes) -> tuple[dict[str, Any], schema.Webhook]:
    """The decoded JSON (to quarantine a message exactly as it came) and the model."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise schema.BadPayload(f"the body is not valid JSON ({exc})") from None
    try:
        return data, schema.Webhook.model_validate(data)
    except ValidationError as exc:
        raise schema.BadPayload(schema.describe(exc)) from None


def _single(data: dict[str, Any], e: int, c: int, raw_message: dict[str, Any]) -> bytes:
    """A payload of the same shape holding just this one message, for the quarantine."""
    entry = data["entry"][e]
    change = entry["changes"][c]
    value = {k: v for k, v in change["value"].items() if k not in ("messages", "statuses")}
    value["messages"] = [raw_message]
    single = {
        "object": data["object"],
        "entry": [{"id": entry.get("id", ""), "changes": [{**change, "value": value}]}],
    }
    return json.dumps(single, ensure_ascii=False).encode()


def replay(raw: bytes, source: str) -> Message:
    """Take a quarantined message in again (the admin's replay action)."""
    _data, webhook = parse(raw)
    values = [c.value for e in webhook.entry for c in e.changes if c.value is not None]
    messages = [(v, m) for v in values for m in v.messages]
    if len(messages) != 1:
        raise Refused(f"expected one message in a quarantined payload, found {len(messages)}")
    value, message = messages[0]
    stored = message_take(value, message)
    if stored is None:
        raise Refused(f"a {message.type} message is not stored as a ticket entry")
    return stored.message


# Interactive replies that another part of Sigap answers instead of a ticket (a survey's
# choice): the reply id's prefix, before the first ":", -> a function of (inbound, reply
# id) that stores the message, under the same unique sender's id as every message, and
# returns what it stored, or None when the reply is not its to take (it then goes to a
# ticket as any message does). Registered by the app that sent the choices.
ReplyHandler = Callable[[Inbound, str], Received | None]
REPLY_HANDLERS: dict[str, ReplyHandler] = {}


def reply_handler_register(prefix: str, handler: ReplyHandler) -> None:
    REPLY_HANDLERS[prefix] = handler


def _reply_handled(inbound: Inbound, message: schema.Message) -> Received | None:
    if message.type != "interactive" or message.interactive.type not in (
        "list_reply",
        "button_reply",
    ):
        return None
    reply_id = getattr(message.interactive, message.interactive.type).id
    handler = REPLY_HANDLERS.get(reply_id.split(":", 1)[0]) if ":" in reply_id else None
    return handler(inbound, reply_id) if handler is not None else None


@dataclass(frozen=True)
class Taken:
    message: Message
    duplicate: bool


def message_take(value: schema.Value, message: schema.Message) -> Taken | None:
    """Store one customer message on its ticket; None for what Sigap does not store
    (a reaction). Raises Refused for a message that cannot be taken in."""
    if message.type == "reaction":
        return None  # an emoji on an earlier message: not a request, and no ticket for it
    if message.type not in schema.TAKEN_TYPES:
        reasons = "; ".join(f"{e.code} {e.title}".strip() for e in message.errors)
        raise Refused(
            f"a {message.type!r} message cannot be taken in" + (f" ({reasons})" if reasons else "")
        )
    if message.interactive and message.interactive.type not in schema.INTERACTIVE_TYPES:
        raise Refused(f"an interactive {message.interactive.type!r} reply cannot be taken in")
    wa_id = message.from_
    try:
        contact = contact_for_phone(
            phone="+" + wa_id.lstrip("+"),
            name=value.profile_name(wa_id),
            whatsapp_id=wa_id,
        )
    except (DjangoValidationError, DomainError) as exc:
        raise Refused(f"the sender {wa_id!r} cannot be matched to a contact: {exc}") from None
    with translation.override(contact.language):
        body = message_body(message)
    media = message.media
    inbound = Inbound(
        channel=CHANNEL,
        mailbox=value.metadata.phone_number_id,
        external_id=message.id,
        contact=contact,
        body=body,
        sender=wa_id,
        recipient=value.metadata.display_phone_number or value.metadata.phone_number_id,
        in_reply_to=message.context.id if message.context else "",
    )
    handled = _reply_handled(inbound, message)
    if handled is not None:
        return Taken(handled.message, handled.duplicate)
    try:
        received = message_receive(inbound, ticket=_thread(contact, message))
    except DomainError as exc:
        raise Refused(f"the message cannot be stored: {exc.message}") from None
    if media is not None and not received.duplicate:
        from sigap.channels.whatsapp.tasks import media_fetch

        pk, filename = received.message.pk, media_filename(message.type, media)
        # The slow download runs in a worker, after the message is committed: the
        # webhook answers at once, and the task finds the row it attaches to.
        transaction.on_commit(lambda: media_fetch(pk, media.id, filename))
    return Taken(received.message, received.duplicate)


def _thread(contact: Any, message: schema.Message) -> Ticket | None:
    """The ticket this message continues: the one holding the message it quotes, else
    the contact's open ticket touched most recently within the threading window."""
    if message.context and message.context.id:
        quoted = (
            Message.objects.filter(
                channel=CHANNEL, external_id=message.context.id, ticket__contact=contact
            )
            .select_related("ticket")
            .first()
        )
        if quoted is not None:
            return quoted.ticket
    hours = settings.SIGAP_WHATSAPP_THREAD_HOURS
    if not hours:
        return None
    return (
        Ticket.objects.filter(
            contact=contact,
            status__in=OPEN_STATUSES,
            updated_at__gte=clock.now() - timedelta(hours=hours),
        )
        .order_by("-updated_at", "-id")
        .first()
    )


def message_body(message: schema.Message) -> str:
    """The text of the timeline entry, in the active (the customer's) language."""
    kind = message.type
    if kind == "text":
        return message.text.body
    if kind == "location":
        place = message.location
        where = {"lat": place.latitude, "lon": place.longitude}
        lines = [
            place.name,
            place.address,
            _("Location: %(lat)s, %(lon)s") % where,
            MAP_URL.format(**where),
        ]
        return "\n".join(line for line in lines if line)
    if kind == "interactive":
        reply = getattr(message.interactive, message.interactive.type)
        if isinstance(reply, schema.Reply):
            return _labelled(reply.title, reply.id)
        return _("Form answer: %(answer)s") % {"answer": json.dumps(reply, ensure_ascii=False)}
    if kind == "button":
        return _labelled(message.button.text, message.button.payload)
    if kind == "contacts":
        people = [
            ", ".join(filter(None, [p.name.formatted_name, *(n.phone for n in p.phones)]))
            for p in message.contacts
        ]
        return _("Shared contact: %(contacts)s") % {"contacts": "; ".join(people)}
    media = message.media
    what = {
        "image": _("Photo"),
        "video": _("Video"),
        "sticker": _("Sticker"),
        "audio": _("Voice message") if media.voice else _("Audio"),
        "document": _("Document"),
    }[kind]
    label = f"[{what}: {media.filename}]" if media.filename else f"[{what}]"
    return f"{media.caption}\n{label}" if media.caption else label


def _labelled(title: str, reply_id: str) -> str:
    return f"{title} [{reply_id}]" if reply_id and reply_id != title else title


def media_filename(kind: str, media: schema.Media) -> str:
    if media.filename:
        return safe_filename(media.filename, default=f"{kind}-{media.id}")
    mime = media.mime_type.split(";", 1)[0].strip()
    extension = {"audio/ogg": ".ogg", "image/jpeg": ".jpg"}.get(mime) or (
        mimetypes.guess_extension(mime) or ""
    )
    return safe_filename(f"{kind}-{media.id}{extension}")


def status_take(status: schema.Status) -> bool:
    """Apply a delivery report to the message it names; False when nothing changed
    (an unknown id, a report older than what is recorded, a status Sigap ignores)."""
    if status.status not in (Delivery.SENT, Delivery.DELIVERED, Delivery.READ, Delivery.FAILED):
        return False
    message = Message.objects.filter(
        channel=CHANNEL, direction=Direction.OUT, external_id=status.id
    ).first()
    if message is None:
        log.info("whatsapp status %s for an unknown message %s", status.status, status.id)
        return False
    if status.status != Delivery.FAILED:
        return message_status(message=message, status=status.status)
    error = "; ".join(f"{e.code} {e.title}".strip() for e in status.errors) or "failed"
    if any(e.code == REENGAGEMENT for e in status.errors) and not message.template:
        if template_fallback(message=message, error=error):
            return True
    return message_status(message=message, status=Delivery.FAILED, error=error)


def template_fallback(*, message: Message, error: str) -> bool:
    """A text the customer could not receive because their 24-hour window had closed:
    send it again as the approved template. Claimed with a conditional UPDATE, so a
    repeated failure report queues it once."""
    from sigap.channels.tasks import message_deliver
    from sigap.channels.whatsapp.transport import message_template

    with transaction.atomic():
        claimed = Message.objects.filter(
            pk=message.pk,
            template="",
            status__in=(Delivery.SENT, Delivery.DELIVERED),
        ).update(
            status=Delivery.QUEUED,
            template=message_template(message),
            error=error,
            status_at=clock.now(),
        )
        if claimed:
            transaction.on_commit(lambda: message_deliver(message.pk))
    return bool(claimed)
