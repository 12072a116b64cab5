"""The one interface every channel's sender implements.

`send` delivers one queued `Message` and returns the id the provider gave it (an
e-mail's Message-ID, a WhatsApp message id). It raises `TransportError`, saying
whether trying again later can help (a timeout, a 5xx, a rate limit) or not (an
address that does not exist, a number not on WhatsApp).
"""

from __future__ import annotations

from typing import Protocol

from django.utils.module_loading import import_string

from sigap.channels.models import Message
from sigap.tickets.choices import Channel


class TransportError(Exception):
    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


class Transport(Protocol):
    def send(self, message: Message) -> str: ...


TRANSPORTS = {
    Channel.EMAIL: "sigap.channels.email.transport.EmailTransport",
    Channel.WHATSAPP: "sigap.channels.whatsapp.transport.WhatsAppTransport",
}


def transport_for(channel: str) -> Transport:
    try:
        path = TRANSPORTS[Channel(channel)]
    except (KeyError, ValueError):
        raise TransportError(f"Sigap cannot send by {channel}", retry=False) from None
    return import_string(path)()
