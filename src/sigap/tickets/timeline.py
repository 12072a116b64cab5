"""Writing the timeline: one entry per change, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from django.db import models

from sigap.accounts.models import User
from sigap.core import clock
from sigap.tickets.choices import EntryKind
from sigap.tickets.models import Entry, Ticket


def plain_value(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value for the audit trail."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.get_username()
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or getattr(value, "number", None) or str(value)
    return str(value)


def record_entry(
    ticket: Ticket,
    *,
    kind: EntryKind,
    by: User | None,
    via: str,
    action: str = "",
    body: str = "",
    public: bool = False,
    changes: dict[str, list[Any]] | None = None,
) -> Entry:
    return Entry.objects.create(
        ticket=ticket,
        kind=kind,
        action=action,
        at=clock.now(),
        actor=by,
        via=via,
        public=public,
        body=body,
        changes=changes or {},
    )
