"""MQTT intake against a real Mosquitto: heartbeats published at QoS 1 reach the units'
state in batches, and a message is acknowledged only once its batch is committed.

The shared broker is the one on 127.0.0.1:1883 (CI's `.ci/run` starts it); every test
has its own topic and client id, so runs in parallel do not meet. Tests that stop and
restart a broker run a private Mosquitto on a free port. The consumer writes from its
own thread, so these tests commit for real (`transactional_db`) and wait for the
expected rows with a deadline rather than sleeping.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as paho
import pytest
from django.core.management import call_command
from django.db import OperationalError
from paho.mqtt.enums import CallbackAPIVersion

from sigap.core.env import ConfigError
from sigap.telematics import mqtt, state
from sigap.telematics.models import UnitState
from tests.conftest import require_installed
from tests.factories import UnitFactory, imei_for

HOST, PORT = "127.0.0.1", 1883
T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
SESSION_EXPIRY = 60  # test sessions leave the broker a minute after their test

# The consumer commits from its own thread; serialized_rollback: the flush after each
# test must give the seeded rows (categories, groups) back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def until(what: str, check: Callable[[], Any], seconds: float = 10.0) -> Any:
    """Poll `check` every 50 ms until it returns something true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.05)


@pytest.fixture
def broker() -> str:
    """The shared Mosquitto's URL: a failure under CI, a skip elsewhere, when it is down."""
    if not reachable(HOST, PORT):
        require_installed(f"the Mosquitto broker on {HOST}:{PORT} (apt-get install mosquitto)")
    return f"mqtt://{HOST}:{PORT}"


@pytest.fixture
def root() -> str:
    """This test's own topic tree: <root>/<imei>/heartbeat."""
    return f"sigap-test/{uuid.uuid4().hex}/units"


@pytest.fixture(autouse=True)
def fresh_directory():
    state.directory.clear()  # IMEI -> unit ids of rows another test rolled back
    yield
    state.directory.clear()


class Consumers:
    """Consumers of this test, all stopped at its end."""

    def __init__(self, url: str, root: str) -> None:
        self.url, self.root = url, root
        self.running: list[mqtt.Consumer] = []

    def start(self, *, subscribed: bool = True, **options: Any) -> mqtt.Consumer:
        options = {
            "url": self.url,
            "topic": f"{self.root}/+/heartbeat",
            "client_id": f"sigap-test-{uuid.uuid4().hex[:12]}",
            "session_expiry": SESSION_EXPIRY,
            **options,
        }
        consumer = mqtt.Consumer(**options)
        consumer.start()
        self.running.append(consumer)
        if subscribed:
            assert consumer.subscribed.wait(10), "the consumer did not subscribe within 10 s"
        return consumer

    def stop(self, consumer: mqtt.Consumer) -> None:
        self.running.remove(consumer)
        consumer.stop()


@pytest.fixture
def consumers(transactional_db, broker, root) -> Iterator[Consumers]:
    running = Consumers(broker, root)
    yield running
    for consumer in list(running.running):
        running.stop(consumer)


class Publisher:
    def __init__(self, host: str, port: int, root: str) -> None:
        self.root = root
        self.client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2)
        self.client.max_inflight_messages_set(200)
        self.client.connect(host, port)
        self.client.loop_start()

    def send(self, *payloads: bytes, imei: str = "0") -> None:
        """Publish at QoS 1 and wait until the broker has each one."""
        sent = [
            self.client.publish(f"{self.root}/{imei}/heartbeat", payload, qos=1)
            for payload in payloads
        ]
        for info in sent:
            info.wait_for_publish(10)
            assert info.is_published()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publish(broker, root) -> Iterator[Callable[..., None]]:
    publisher = Publisher(HOST, PORT, root)
    yield publisher.send
    publisher.close()


def forget_session(client_id: str) -> None:
    """End a never-expiring session on the shared broker: connect with a clean start and
    no expiry, then leave."""
    client = paho.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=paho.MQTTv5,
        reconnect_on_failure=False,
    )
    client.connect(HOST, PORT, clean_start=True)
    client.loop_start()
    until("connected to end the session", client.is_connected)
    client.disconnect()
    client.loop_stop()


def beat(imei: str, at: datetime, **fields: Any) -> bytes:
    """One heartbeat message (an array of one, as gateways send), heard at `at`."""
    item = {
        "imei": imei,
        "server_time": at.isoformat(),
        "time": (at - timedelta(seconds=2)).isoformat(),
        "valid": True,
        "lat": -6.2,
        "lon": 106.8,
        "speed": 40,
        "ignition": True,
        "power": 12.6,
        "battery": 4.1,
        "rssi": 20,
        "sat": 9,
        "operator": "Telkomsel",
    } | fields
    return json.dumps([item]).encode()


def state_of(unit) -> UnitState | None:
    return UnitState.objects.filter(unit=unit).first()


# --- the URL ----------------------------------------------------------------------------


def test_the_broker_url_gives_host_port_credentials_and_tls():
    plain = mqtt.broker_from_url("mqtt://broker.example")
    assert (plain.host, plain.port, plain.tls, plain.username) == (
        "broker.example",
        1883,
        False,
        "",
    )
    secure = mqtt.broker_from_url("mqtts://sigap:p%40ss%3Aw0rd@broker.example")
    assert (secure.port, secure.tls, secure.username, secure.password) == (
        8883,
        True,
        "sigap",
        "p@ss:w0rd",
    )
    assert mqtt.broker_from_url("mqtts://broker.example:9883").port == 9883
    assert "p@ss" not in repr(secure)


@pytest.mark.parametrize(
    "url", ["http://user:secret@broker", "mqtt://user:secret@", "mqtt://user:secret@b/topic"]
)
def test_a_url_sigap_cannot_use_is_refused_without_showing_the_password(url):
    with pytest.raises(ConfigError, match="SIGAP_TELEMETRY_MQTT_URL") as refused:
        mqtt.broker_from_url(url)
    assert "secret" not in str(refused.value)


# --- intake -------------------------------------------------------------------------------


def test_a_heartbeat_reaches_the_units_state_and_is_acknowledged(consumers, publish):
    consumer = consumers.start()
    unit = UnitFactory()
    publish(beat(unit.imei, T0, ignition=False, power=12.1, lat=-6.25, lon=106.85))

    row = until("the unit's state written", lambda: state_of(unit))
    assert row.last_contact_at == T0
    assert row.last_fix_at == T0 - timedelta(seconds=2)
    assert (row.latitude, row.longitude, row.area) == (-6.25, 106.85, "-6.3,106.8")
    assert row.ignition is False
    assert row.power == 12.1
    assert row.operator == "Telkomsel"
    until("the message acknowledged", lambda: consumer.stats.acked == 1)
    assert consumer.stats.counts() == {
        "received": 1,
        "written": 1,
        "bad": 0,
        "unknown": 0,
        "batches": 1,
        "acked": 1,
        "db_failures": 0,
        "connects": 1,
    }


def test_the_imei_may_come_from_the_topic(consumers, publish):
    consumers.start()
    unit = UnitFactory()
    publish(json.dumps({"server_time": T0.isoformat(), "power": 11.9}).encode(), imei=unit.imei)

    row = until("the unit's state written", lambda: state_of(unit))
    assert (row.last_contact_at, row.power) == (T0, 11.9)


def test_many_messages_are_written_in_far_fewer_transactions(consumers, publish):
    consumer = consumers.start(batch=500, batch_ms=20)
    units = UnitFactory.create_batch(40)
    messages = 2000
    payloads = [
        beat(units[n % len(units)].imei, T0 + timedelta(seconds=n), power=10 + n / 1000)
        for n in range(messages)
    ]
    # In bursts of 500: Mosquitto drops messages for a subscriber more than 1,000
    # behind (max_queued_messages), which a slow CI machine could otherwise be.
    for start in range(0, messages, 500):
        publish(*payloads[start : start + 500])
        until("the burst received", lambda: consumer.stats.received >= start + 500)  # noqa: B023

    until("every heartbeat written", lambda: consumer.stats.written == messages)
    assert consumer.stats.batches <= messages / 20, consumer.stats
    until("every message acknowledged", lambda: consumer.stats.acked == messages)
    last = {state.unit_id: state for state in UnitState.objects.all()}
    assert len(last) == len(units)
    for offset, unit in enumerate(units):
        n = messages - len(units) + offset  # the unit's last heartbeat
        assert last[unit.pk].last_contact_at == T0 + timedelta(seconds=n)
        assert last[unit.pk].power == pytest.approx(10 + n / 1000)


def test_a_message_sigap_cannot_read_is_logged_counted_and_does_not_stop_the_others(
    consumers, publish, caplog
):
    consumer = consumers.start()
    units = UnitFactory.create_batch(2)
    caplog.set_level(logging.WARNING, logger="sigap.telematics.mqtt")
    publish(
        beat(units[0].imei, T0),
        b'{"imei": "356307042441013", "lat": -6.2',
        beat(units[1].imei, T0, lat=95),  # out of range
        beat(units[1].imei, T0 + timedelta(minutes=1)),
    )

    until("the good ones written", lambda: UnitState.objects.count() == 2)
    until("all four acknowledged", lambda: consumer.stats.acked == 4)
    assert consumer.stats.bad == 2
    assert consumer.stats.written == 2
    assert state_of(units[1]).last_contact_at == T0 + timedelta(minutes=1)
    warnings = [r.getMessage() for r in caplog.records if "unreadable heartbeat" in r.getMessage()]
    assert len(warnings) == 2
    assert consumers.root in warnings[0]
    assert "not UTF-8 JSON" in warnings[0]
    assert "356307042441013" in warnings[0]  # the start of the message
    assert "[0].lat" in warnings[1]


def test_heartbeats_of_an_unknown_imei_are_counted_and_logged_once(consumers, publish, caplog):
    consumer = consumers.start()
    unit = UnitFactory()
    stranger = imei_for(999_999)
    caplog.set_level(logging.WARNING, logger="sigap.telematics.mqtt")
    publish(beat(stranger, T0))
    until("the first one taken", lambda: consumer.stats.unknown == 1)
    publish(beat(stranger, T0 + timedelta(minutes=1)), beat(stranger, T0 + timedelta(minutes=2)))
    publish(beat(unit.imei, T0))

    until("the known unit written", lambda: state_of(unit))
    until("all acknowledged", lambda: consumer.stats.acked == 4)
    assert consumer.stats.unknown == 3
    assert consumer.stats.written == 1
    assert not UnitState.objects.exclude(unit=unit).exists()
    logged = [r for r in caplog.records if stranger in r.getMessage()]
    assert len(logged) == 1


def test_an_older_heartbeat_does_not_move_the_state_back(consumers, publish):
    consumer = consumers.start()
    unit = UnitFactory()
    publish(beat(unit.imei, T0, power=12.6, ignition=True))
    until("the newer one written", lambda: state_of(unit))
    publish(beat(unit.imei, T0 - timedelta(hours=1), power=11.0, ignition=False))
    until("the older one acknowledged", lambda: consumer.stats.acked == 2)

    row = state_of(unit)
    assert row.last_contact_at == T0
    assert (row.power, row.ignition) == (12.6, True)


# --- nothing lost --------------------------------------------------------------------------


def test_a_batch_the_database_refused_is_retried_and_acknowledged_only_after(
    consumers, publish, monkeypatch
):
    consumer = consumers.start()
    unit = UnitFactory()
    write = state.heartbeats_apply
    acked_when_tried: list[int] = []

    def database_away_once(beats, **kwargs):
        acked_when_tried.append(consumer.stats.acked)
        if len(acked_when_tried) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return write(beats, **kwargs)

    monkeypatch.setattr(state, "heartbeats_apply", database_away_once)
    publish(beat(unit.imei, T0))

    row = until("written after the retry", lambda: state_of(unit))
    assert row.last_contact_at == T0
    until("acknowledged", lambda: consumer.stats.acked == 1)
    assert acked_when_tried == [0, 0]  # nothing acknowledged before the commit
    assert (consumer.stats.db_failures, consumer.stats.batches, consumer.stats.written) == (1, 1, 1)


def test_messages_not_written_when_the_consumer_stops_are_delivered_again(
    consumers, publish, monkeypatch
):
    first = consumers.start()
    unit = UnitFactory()
    tries: list[int] = []

    def database_down(beats, **kwargs):
        tries.append(len(beats))
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(state, "heartbeats_apply", database_down)
    publish(beat(unit.imei, T0), beat(unit.imei, T0 + timedelta(minutes=1)))
    until("both tried", lambda: sum(tries) >= 2 or len(tries) >= 2)
    consumers.stop(first)  # the database still down: it gives up, acknowledging nothing
    assert first.stats.acked == 0
    assert not UnitState.objects.exists()

    monkeypatch.undo()
    # The same client id resumes the session: the broker delivers both again.
    second = consumers.start(client_id=first.client_id, subscribed=False)
    row = until("written by the next consumer", lambda: state_of(unit))
    until("both written", lambda: second.stats.written == 2)
    assert row.last_contact_at in (T0, T0 + timedelta(minutes=1))
    assert state_of(unit).last_contact_at == T0 + timedelta(minutes=1)
    until("both acknowledged", lambda: second.stats.acked == 2)


def test_stopping_writes_the_batch_being_collected(consumers, publish):
    consumer = consumers.start(batch=500, batch_ms=60_000)
    unit = UnitFactory()
    publish(*(beat(unit.imei, T0 + timedelta(seconds=n)) for n in range(3)))
    until("all three received", lambda: consumer.stats.received == 3)
    assert not UnitState.objects.exists()  # still collecting for a minute

    consumers.stop(consumer)
    assert state_of(unit).last_contact_at == T0 + timedelta(seconds=2)
    assert (consumer.stats.batches, consumer.stats.acked) == (1, 3)


# --- the broker going away ----------------------------------------------------------------


def test_the_consumer_reconnects_when_the_broker_drops_it(consumers, publish):
    consumer = consumers.start()
    unit = UnitFactory()
    publish(beat(unit.imei, T0))
    until("the first heartbeat written", lambda: consumer.stats.written == 1)

    # Another client with the same id and a clean session: Mosquitto drops ours and
    # forgets its subscription, which only a new SUBSCRIBE restores.
    intruder = paho.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=consumer.client_id,
        reconnect_on_failure=False,
    )
    connected = threading.Event()
    intruder.on_connect = lambda *args: connected.set()
    intruder.connect(HOST, PORT)
    intruder.loop_start()
    assert connected.wait(10)
    intruder.disconnect()
    intruder.loop_stop()

    until("connected again", lambda: consumer.stats.connects >= 2)
    assert consumer.subscribed.wait(10)
    publish(beat(unit.imei, T0 + timedelta(minutes=5)))
    until(
        "a heartbeat sent after the drop written",
        lambda: state_of(unit).last_contact_at == T0 + timedelta(minutes=5),
    )


def mosquitto_binary() -> str:
    path = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if os.access("/usr/sbin/mosquitto", os.X_OK) else None
    )
    if path is None:
        require_installed("mosquitto (apt-get install mosquitto)")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class PrivateBroker:
    """A Mosquitto of this test's own on a free loopback port, without persistence: a
    restart forgets every session."""

    def __init__(self) -> None:
        self.binary = mosquitto_binary()
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        until("the private broker listening", lambda: reachable(HOST, self.port))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def private_broker() -> Iterator[PrivateBroker]:
    server = PrivateBroker()
    yield server
    server.stop()


def test_the_consumer_waits_for_the_broker_and_survives_its_restart(
    transactional_db, private_broker, root
):
    consumers = Consumers(f"mqtt://{HOST}:{private_broker.port}", root)
    try:
        consumer = consumers.start(subscribed=False)  # nothing listens there yet
        time.sleep(0.3)
        assert consumer.stats.connects == 0
        private_broker.start()
        assert consumer.subscribed.wait(10)
        unit = UnitFactory()
        publisher = Publisher(HOST, private_broker.port, root)
        publisher.send(beat(unit.imei, T0))
        publisher.close()
        until("written through the private broker", lambda: consumer.stats.written == 1)

        private_broker.stop()
        until("the loss noticed", lambda: not consumer.subscribed.is_set())
        private_broker.start()  # a broker without the session: subscribing again matters
        assert consumer.subscribed.wait(40)
        assert consumer.stats.connects == 2
        publisher = Publisher(HOST, private_broker.port, root)
        publisher.send(beat(unit.imei, T0 + timedelta(minutes=1)))
        publisher.close()
        until("written after the restart", lambda: consumer.stats.written == 2)
        assert state_of(unit).last_contact_at == T0 + timedelta(minutes=1)
    finally:
        for running in list(consumers.running):
            consumers.stop(running)


# --- the command ----------------------------------------------------------------------------


def test_the_command_takes_heartbeats_until_sigterm(transactional_db, broker, root, monkeypatch):
    command = __import__(
        "sigap.telematics.management.commands.telemetry-mqtt", fromlist=["Command"]
    )
    started: list[mqtt.Consumer] = []

    class Recorded(mqtt.Consumer):
        def start(self) -> None:
            started.append(self)
            super().start()

    monkeypatch.setattr(command, "Consumer", Recorded)
    unit = UnitFactory()
    client_id = f"sigap-test-{uuid.uuid4().hex[:12]}"

    def drive() -> None:
        try:
            deadline = time.monotonic() + 10
            while not started and time.monotonic() < deadline:
                time.sleep(0.05)
            if started and started[0].subscribed.wait(10):
                publisher = Publisher(HOST, PORT, root)
                publisher.send(beat(unit.imei, T0))
                publisher.close()
                while started[0].stats.acked < 1 and time.monotonic() < deadline + 10:
                    time.sleep(0.05)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)  # the command's handler stops it

    driver = threading.Thread(target=drive)
    out = io.StringIO()
    driver.start()
    call_command(
        "telemetry-mqtt", url=broker, topic=f"{root}/+/heartbeat", client_id=client_id, stdout=out
    )
    driver.join()
    forget_session(client_id)

    assert f"Taking heartbeats from {broker}, topic {root}/+/heartbeat, as client {client_id}." in (
        out.getvalue()
    )
    assert "Stopped; 1 messages received, 1 heartbeats written" in out.getvalue()
    assert state_of(unit).last_contact_at == T0
