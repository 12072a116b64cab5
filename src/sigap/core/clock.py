"""The one place Sigap asks what time it is.

`clock.now()` is Django's aware UTC now, unless a caller replays history
(`with clock.at(moment):`): the demo loader and imports of old records use that
so services stamp the historical time through the same code path as live work,
inside `clock.replaying()` so that nobody is notified of the past.
Tests freeze time with time-machine instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("sigap_clock_moment", default=None)
_replaying: ContextVar[bool] = ContextVar("sigap_clock_replaying", default=False)


def now() -> datetime:
    return _moment.get() or timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    if timezone.is_naive(moment):
        raise ValueError("clock.at() needs a timezone-aware datetime")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)


@contextmanager
def replaying() -> Iterator[None]:
    """Mark work that replays the past (an import, the demo): it is recorded as live
    work is, but nobody is notified of what happened long ago."""
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)


def is_replaying() -> bool:
    return _replaying.get()
