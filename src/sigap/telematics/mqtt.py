"""MQTT intake: unit heartbeats from a broker, merged into the units' state in batches.

`sigap telemetry-mqtt` runs one `Consumer`. It subscribes to
`SIGAP_TELEMETRY_MQTT_TOPIC` at QoS 1 in a persistent session under a fixed client id,
so the broker keeps what arrives while Sigap is down, and acknowledges a message only
after the batch holding it is committed: a crash or a database outage loses nothing,
the broker delivers the unacknowledged messages again. Merging is idempotent
(`state.heartbeats_apply`: times only move forward, events are stored once by the
sender's id), so a message delivered twice changes nothing.

One thread does everything: paho's network loop (`loop_forever`, which also reconnects)
runs in the consumer's thread, each message is decoded as it arrives, and once per
pass of the loop the consumer writes a batch when it holds `batch` heartbeats or its
first message is `batch_ms` old, then acknowledges the batch's messages. A writer
thread of its own, fed batches by the network thread, wrote fewer heartbeats a second
in `benchmarks/telemetry_mqtt.py` (SQLite about 2,500 against 4,000; PostgreSQL no
more): decoding and merging are Python either way, and two threads spend time handing
the GIL back and forth.

A message Sigap cannot read (`decode.BadTelemetry`) is logged, counted and
acknowledged with its batch: delivering it again would not make it readable. A
database failure acknowledges nothing; the batch is tried again after 1 s, doubling to
30 s, while the loop goes on answering the broker and collecting what arrives.

The session is MQTT 5's (clean start off, never expiring) rather than MQTT 3.1.1's
`clean_session=False` because 3.1.1 leaves the number of unacknowledged messages in
flight to the broker: Mosquitto's default is 20, which would cap a batch at 20
messages. MQTT 5 lets the client say how many it takes (`RECEIVE_MAXIMUM`).

The broker must keep what the consumer has not taken yet. Mosquitto 2.0 drops QoS 1
messages for a subscriber that reads more slowly than they are published once more
than `max_queued_messages` (1,000 by default) wait for it, whatever its receive
maximum: a broker taking bursts should set `max_queued_messages 0` and bound memory
with `max_queued_bytes` instead.
"""

from __future__ import annotations

import logging
import re
import select
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import translation
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from sigap.core.env import ConfigError
from sigap.telematics import decode, state
from sigap.telematics.heartbeat import Heartbeat

logger = logging.getLogger(__name__)

QOS = 1
KEEPALIVE = 60  # seconds
RECONNECT_MIN, RECONNECT_MAX = 1, 30  # seconds between attempts to reach the broker
RETRY_MIN, RETRY_MAX = 1.0, 30.0  # seconds between attempts to write a failed batch
TICK = 0.05  # longest wait of the network loop, seconds: how late a due batch can be
# Unacknowledged messages the broker may send at once (MQTT 5's maximum). They wait in
# memory until their batch commits; during a database outage this is how many the
# broker hands over before it queues the rest itself (Mosquitto: max_queued_messages).
RECEIVE_MAXIMUM = 65535
SESSION_NEVER_EXPIRES = 0xFFFFFFFF
PAYLOAD_LOGGED = 200  # bytes of a bad message shown in the log
UNKNOWN_REMEMBERED = 100_000  # IMEIs logged once each; forgotten beyond this many

_PASSWORD = re.compile(r"(//[^/@:]*:)[^@/]*@")


def masked(url: str) -> str:
    """`url` with its password hidden, for the log and the command's output."""
    return _PASSWORD.sub(r"\1********@", url)


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool
    username: str = ""
    password: str = field(default="", repr=False)


def broker_from_url(url: str) -> Broker:
    """`mqtt://host:port` (port 1883), `mqtts://host:port` (TLS checked against the
    system's certificate authorities, port 8883), either with `user:password@`.
    Percent-encode a `:`, `@` or `/` in the password."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise _bad_url(url, str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in ("mqtt", "mqtts"):
        raise _bad_url(url, "it must start with mqtt:// or mqtts://")
    if not parts.hostname:
        raise _bad_url(url, "it names no host")
    if parts.path.strip("/") or parts.query:
        raise _bad_url(url, "the topic is SIGAP_TELEMETRY_MQTT_TOPIC, not part of the URL")
    return Broker(
        host=parts.hostname,
        port=port or (8883 if scheme == "mqtts" else 1883),
        tls=scheme == "mqtts",
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def _bad_url(url: str, reason: str) -> ConfigError:
    return ConfigError(f"SIGAP_TELEMETRY_MQTT_URL={masked(url)!r} is not usable: {reason}")


@dataclass
class Stats:
    """Counts since start, kept by the consumer's thread; anyone may read them."""

    received: int = 0  # messages taken from the broker
    written: int = 0  # heartbeats merged into a known unit's state
    bad: int = 0  # messages Sigap cannot read (acknowledged, not written)
    unknown: int = 0  # heartbeats of IMEIs Sigap does not know
    batches: int = 0  # transactions committed
    acked: int = 0  # messages acknowledged
    db_failures: int = 0  # attempts to write a batch that failed
    connects: int = 0  # sessions opened with the broker

    def counts(self) -> dict[str, int]:
        return asdict(self)


@dataclass(slots=True)
class _Received:
    generation: int  # the connection it came on: only that one can acknowledge it
    mid: int
    qos: int
    beats: list[Heartbeat]  # empty for a message Sigap cannot read
    arrived: float  # time.monotonic()


class _Client(paho.Client):
    """paho's client, calling `tick()` once per pass of its network loop: after each
    packet it reads and, when idle, at least every `timeout` of `loop_forever`."""

    tick: Callable[[], None]

    def loop_misc(self) -> paho.MQTTErrorCode:
        rc = super().loop_misc()
        self.tick()
        return rc


class Consumer:
    """Takes heartbeats from `topic` on the broker at `url` until `stop()`.

    `start()` returns at once: the consumer connects, and reconnects, in its own
    thread, retrying while the broker is unreachable. `subscribed` is set while the
    subscription is in place."""

    def __init__(
        self,
        *,
        url: str,
        topic: str,
        client_id: str,
        batch: int = 500,
        batch_ms: int = 20,
        session_expiry: int = SESSION_NEVER_EXPIRES,
    ) -> None:
        if batch < 1 or batch_ms < 0:
            raise ValueError("batch must be at least 1 and batch_ms at least 0")
        self.url, self.topic, self.client_id = url, topic, client_id
        self.broker = broker_from_url(url)
        self.batch, self.batch_seconds = batch, batch_ms / 1000
        self.stats = Stats()
        self.subscribed = threading.Event()
        self._waiting: list[_Received] = []  # received, not yet written, oldest first
        self._waiting_beats = 0
        self._generation = 0
        self._retry_at = 0.0  # after a failed write: not before this (monotonic)
        self._retry_delay = RETRY_MIN
        self._stopping = False
        self._finished = False
        self._unknown_seen: set[str] = set()
        self._thread: threading.Thread | None = None
        self._client = self._make_client(session_expiry)

    @classmethod
    def from_settings(cls, **overrides: Any) -> Consumer:
        options: dict[str, Any] = {
            "url": settings.SIGAP_TELEMETRY_MQTT_URL,
            "topic": settings.SIGAP_TELEMETRY_MQTT_TOPIC,
            "client_id": settings.SIGAP_TELEMETRY_MQTT_CLIENT_ID,
            "batch": settings.SIGAP_TELEMETRY_BATCH,
            "batch_ms": settings.SIGAP_TELEMETRY_BATCH_MS,
        }
        options.update((k, v) for k, v in overrides.items() if v not in (None, ""))
        return cls(**options)

    # --- running ------------------------------------------------------------------

    def start(self) -> None:
        self._client.connect_async(
            self.broker.host,
            self.broker.port,
            keepalive=KEEPALIVE,
            clean_start=False,
            properties=self._connect_properties,
        )
        self._thread = threading.Thread(
            target=self._run, name=f"mqtt-{self.client_id}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Write and acknowledge what was received, then disconnect. If the database is
        down, give up on what is waiting: the broker keeps those messages."""
        self._stopping = True  # the next tick writes, acknowledges and disconnects
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)
            if self._thread.is_alive() and not self._client.is_connected():
                self._client.disconnect()  # no tick while paho waits to reconnect
        self.subscribed.clear()

    def _run(self) -> None:
        # The decoder's reasons go to the log, which is in English like the rest of it.
        translation.activate("en")
        try:
            # Raises only on a fault of ours; retries the first connection like any other.
            self._client.loop_forever(
                timeout=min(TICK, self.batch_seconds) or TICK, retry_first_connection=True
            )
        except Exception:
            logger.exception("the MQTT intake stopped")
            raise
        finally:
            if self._waiting:
                # Received on a connection that is gone: they cannot be acknowledged,
                # and the broker delivers them again.
                logger.info("stopped with %d messages not written", len(self._waiting))
            connections.close_all()  # this thread's database connection

    def _make_client(self, session_expiry: int) -> _Client:
        client = _Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=paho.MQTTv5,
            manual_ack=True,
        )
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = session_expiry
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self._connect_properties = properties
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password or None)
        if self.broker.tls:
            client.tls_set()  # the system's certificate authorities, hostname checked
        client.reconnect_delay_set(min_delay=RECONNECT_MIN, max_delay=RECONNECT_MAX)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        client.tick = self._tick
        return client

    # --- paho's callbacks, all in the consumer's thread -------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            logger.error("MQTT broker %s refused the connection: %s", masked(self.url), reason_code)
            return
        self._generation += 1
        self.stats.connects += 1
        logger.info(
            "connected to %s as %s (session %s)",
            masked(self.url),
            self.client_id,
            "resumed" if flags.session_present else "new",
        )
        # Subscribing again on every connect: a new session (or one the broker lost)
        # has no subscription, and on a resumed one it is harmless.
        client.subscribe(self.topic, qos=QOS)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        failed = [code for code in reason_codes if code.is_failure]
        if failed:
            logger.error("MQTT broker refused the subscription to %s: %s", self.topic, failed[0])
            return
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.subscribed.clear()
        if not self._stopping:
            logger.warning("disconnected from %s (%s); reconnecting", masked(self.url), reason_code)

    def _on_message(self, client, userdata, message) -> None:
        self.stats.received += 1
        beats = self._decode(message.topic, message.payload)
        self._waiting.append(
            _Received(self._generation, message.mid, message.qos, beats, time.monotonic())
        )
        self._waiting_beats += len(beats)

    def _decode(self, topic: str, payload: bytes) -> list[Heartbeat]:
        try:
            return decode.mqtt(payload, topic=topic, received_at=datetime.now(UTC))
        except decode.BadTelemetry as exc:
            self.stats.bad += 1
            logger.warning(
                "unreadable heartbeat on %s: %s; message starts %r",
                topic,
                exc.message,
                payload[:PAYLOAD_LOGGED],
            )
        except Exception:
            # A fault of the decoder's, but the message would fail again on every
            # delivery: counted as bad and acknowledged, with the traceback logged.
            self.stats.bad += 1
            logger.exception(
                "heartbeat on %s not decoded; message starts %r", topic, payload[:PAYLOAD_LOGGED]
            )
        return []

    # --- writing ------------------------------------------------------------------------

    def _tick(self) -> None:
        """Write what is due: a full batch, or one whose first message is `batch_ms`
        old and nothing more is there to read; everything when stopping."""
        if self._stopping:
            self._finish()
            return
        while self._waiting:
            now = time.monotonic()
            if now < self._retry_at:
                return
            full = self._waiting_beats >= self.batch or len(self._waiting) >= self.batch
            # A backlog is read to the end of the batch first: under load the time it
            # takes to read a batch should not cut it short.
            if not full and (
                now - self._waiting[0].arrived < self.batch_seconds or self._readable()
            ):
                return
            if not self._write_next():
                return

    def _readable(self) -> bool:
        """Whether a message is there to read without waiting."""
        sock = self._client.socket()
        if sock is None:
            return False
        if getattr(sock, "pending", None) and sock.pending():  # TLS: decrypted already
            return True
        return bool(select.select([sock], [], [], 0)[0])

    def _finish(self) -> None:
        if self._finished:
            return  # the disconnect is on its way
        self._finished = True
        while self._waiting:
            if not self._write_next(last_try=True):
                logger.warning(
                    "stopping with %d messages not written; the broker keeps them",
                    len(self._waiting),
                )
                break
        self._client.disconnect()  # sent after the acknowledgements queued above

    def _write_next(self, *, last_try: bool = False) -> bool:
        """Write the oldest messages, `batch` heartbeats' worth, in one transaction and
        acknowledge them. False, and nothing acknowledged, when the database failed."""
        count = beats_count = 0
        for message in self._waiting:
            if beats_count >= self.batch or count >= self.batch:
                break
            count += 1
            beats_count += len(message.beats)
        messages = self._waiting[:count]
        beats = [beat for message in messages for beat in message.beats]
        if beats and not self._write(messages, beats):
            if not last_try:
                self._retry_at = time.monotonic() + self._retry_delay
                self._retry_delay = min(self._retry_delay * 2, RETRY_MAX)
            return False
        self._retry_delay, self._retry_at = RETRY_MIN, 0.0
        del self._waiting[:count]
        self._waiting_beats -= beats_count
        self._ack(messages)
        return True

    def _write(self, messages: list[_Received], beats: list[Heartbeat]) -> bool:
        close_old_connections()  # a connection that failed or outlived CONN_MAX_AGE
        try:
            applied = state.heartbeats_apply(beats)
        except (OperationalError, InterfaceError) as exc:
            self.stats.db_failures += 1
            logger.error(
                "writing %d heartbeats failed, retrying in %.0f s: %s",
                len(beats),
                self._retry_delay,
                exc,
            )
            return False
        except Exception:
            # Not the database being away: perhaps a unit deleted behind the directory's
            # back. Forget the directory and retry; never acknowledge what is unwritten.
            self.stats.db_failures += 1
            state.directory.clear()
            logger.exception("writing %d heartbeats failed, retrying", len(beats))
            return False
        self.stats.batches += 1
        self.stats.written += applied.heartbeats
        if applied.unknown:
            self._count_unknown(beats, applied.unknown)
        return True

    def _count_unknown(self, beats: list[Heartbeat], unknown: list[str]) -> None:
        imeis = set(unknown)
        self.stats.unknown += sum(1 for beat in beats if beat.imei in imeis)
        new = imeis - self._unknown_seen
        if len(self._unknown_seen) + len(new) > UNKNOWN_REMEMBERED:
            self._unknown_seen.clear()
        self._unknown_seen |= new
        for imei in sorted(new):
            logger.warning("heartbeats for IMEI %s, which is no unit in Sigap (logged once)", imei)

    def _ack(self, messages: list[_Received]) -> None:
        generation = self._generation
        for message in messages:
            # One from an earlier connection is delivered again on this one, and
            # acknowledged then: its packet id may by now name another message.
            if message.generation == generation and message.qos:
                self._client.ack(message.mid, message.qos)
                self.stats.acked += 1
