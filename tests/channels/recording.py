"""A transport that keeps what it is given to send instead of sending it, for tests of
what goes out and by which channel (the transports themselves have their own tests)."""

from __future__ import annotations

import pytest

from sigap.channels import transport
from sigap.channels.models import Message

sent: list[Message] = []


class RecordingTransport:
    def send(self, message: Message) -> str:
        sent.append(message)
        return f"id-{message.pk}"


@pytest.fixture
def recorded(monkeypatch) -> list[Message]:  # registered in tests/channels/conftest.py
    """E-mail and WhatsApp go to the recording transport; the messages it got."""
    for channel in ("email", "whatsapp"):
        monkeypatch.setitem(transport.TRANSPORTS, channel, f"{__name__}.RecordingTransport")
    sent.clear()
    return sent
