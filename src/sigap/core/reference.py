"""Rows every request reads and an admin rarely changes, kept in memory per process.

Categories, causes, the priority matrix and support groups hold a few dozen rows; an
admin changes them a few times a year. The user behind an API token is read on every
call an integration makes. Building those queries on every request cost about half of
a ticket creation, so each process keeps copies:

- a save or delete through the ORM (the admin, a service, a fixture) drops the copies
  of the process that made it at once;
- every other process (the second gunicorn worker, the task consumer) reloads a copy
  older than `TTL` seconds, so a change reaches them within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

TTL = 10.0

K = TypeVar("K")
V = TypeVar("V")

_tables: list[_Copy] = []


class _Copy:
    def __init__(self, watch: tuple[type[models.Model], ...]):
        for model in watch:  # a many-to-many through model sends m2m_changed
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(self._changed, sender=model, weak=False)
        _tables.append(self)

    def _changed(self, sender, **kwargs) -> None:
        self.clear()

    def clear(self) -> None:
        raise NotImplementedError


class Table(_Copy, Generic[K, V]):
    """A whole table as a dict, loaded by `load` and dropped when `watch` change."""

    def __init__(self, load: Callable[[], dict[K, V]], *, watch: tuple[type[models.Model], ...]):
        self._load = load
        self._rows: dict[K, V] | None = None
        self._loaded_at = 0.0
        super().__init__(watch)

    def rows(self) -> dict[K, V]:
        if self._rows is None or time.monotonic() - self._loaded_at > TTL:
            self._rows = self._load()
            self._loaded_at = time.monotonic()
        return self._rows

    def get(self, key: K) -> V | None:
        return self.rows().get(key)

    def clear(self) -> None:
        self._rows = None


class Rows(_Copy, Generic[K, V]):
    """Rows loaded one key at a time by `load`, for tables too big to copy whole."""

    def __init__(
        self,
        load: Callable[[K], V | None],
        *,
        watch: tuple[type[models.Model], ...],
        size: int = 1000,
    ):
        self._load = load
        self._size = size
        self._rows: dict[K, tuple[float, V]] = {}
        super().__init__(watch)

    def get(self, key: K) -> V | None:
        now = time.monotonic()
        kept = self._rows.get(key)
        if kept is not None and now - kept[0] <= TTL:
            return kept[1]
        value = self._load(key)
        if value is not None:
            if len(self._rows) >= self._size:
                self._rows.clear()  # crude, but bounded; a busy process refills in a second
            self._rows[key] = (now, value)
        return value

    def clear(self) -> None:
        self._rows.clear()


def clear_all() -> None:
    """Forget every copy (tests call this, since a rolled-back row sends no signal)."""
    for table in _tables:
        table.clear()
