"""Group commit: heartbeats from concurrent requests written in one transaction.

Each request hands its heartbeats to the one writer thread of its process and waits
for the commit before it answers, so a 2xx means stored and a failure answers 5xx
(the sender retries). The writer takes everything queued while it wrote the previous
batch: under light load a request is its own small transaction, under heavy load
hundreds of requests share one. With `SIGAP_TELEMETRY_GROUP_COMMIT` off the request
writes in its own thread (tests that hold a transaction open use that).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from sigap.telematics.heartbeat import Heartbeat
from sigap.telematics.state import Applied, heartbeats_apply

log = logging.getLogger(__name__)

WAIT_SECONDS = 30


class _Pending:
    __slots__ = ("applied", "beats", "done", "error")

    def __init__(self, beats: list[Heartbeat]) -> None:
        self.beats = beats
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.applied: Applied | None = None


class GroupCommit:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._queue: list[_Pending] = []
        self._thread: threading.Thread | None = None
        self.batches = 0

    def submit(self, beats: list[Heartbeat]) -> Applied:
        """Write the heartbeats; returns once they are committed, raises if they are not."""
        if not settings.SIGAP_TELEMETRY_GROUP_COMMIT:
            self.batches += 1
            return heartbeats_apply(beats)
        pending = _Pending(beats)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="sigap-telemetry-writer", daemon=True
                )
                self._thread.start()
            self._queue.append(pending)
            self._lock.notify()
        if not pending.done.wait(WAIT_SECONDS):
            raise TimeoutError("the telemetry writer did not commit in time")
        if pending.error is not None:
            raise pending.error
        return pending.applied

    def release(self) -> None:
        """Have the writer close its database connection (before the database is dropped
        or restarted); it opens a new one with the next batch."""
        if self._thread is None or not self._thread.is_alive():
            return
        closing = _Pending([])
        with self._lock:
            self._queue.append(closing)
            self._lock.notify()
        closing.done.wait(WAIT_SECONDS)

    def _take(self) -> list[_Pending]:
        with self._lock:
            while not self._queue:
                self._lock.wait()
            batch, self._queue = self._queue, []
        return batch

    def _run(self) -> None:
        while True:
            batch = self._take()
            if not any(item.beats for item in batch):
                connection.close()
                for item in batch:
                    item.done.set()
                continue
            try:
                close_old_connections()
                applied = heartbeats_apply([beat for item in batch for beat in item.beats])
            except BaseException as exc:  # every waiter hears of it, then the next batch
                log.error("telemetry batch of %d requests failed: %s", len(batch), exc)
                connection.close()
                for item in batch:
                    item.error = exc
            else:
                self.batches += 1
                for item in batch:
                    item.applied = applied
            for item in batch:
                item.done.set()


writer = GroupCommit()
