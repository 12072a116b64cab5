"""`sigap telemetry-mqtt`: take unit heartbeats from the MQTT broker until stopped.

    sigap telemetry-mqtt [--url mqtts://user:pass@broker:8883] [--topic T] [--client-id C]

Runs one consumer (`sigap.telematics.mqtt`); run one per client id, since the broker
lets only one connection hold a session. Ctrl-C or SIGTERM writes and acknowledges
what was received, then disconnects. Every minute the counts are logged at INFO level
(SIGAP_LOG_LEVEL=INFO shows them).
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sigap.telematics.mqtt import Consumer, masked

logger = logging.getLogger("sigap.telematics.mqtt")

REPORT_EVERY = 60.0  # seconds


class Command(BaseCommand):
    help = _(
        "Take unit heartbeats from the MQTT broker (SIGAP_TELEMETRY_MQTT_URL) and merge "
        "them into the units' state, until Ctrl-C or SIGTERM."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="Broker URL (default: SIGAP_TELEMETRY_MQTT_URL).")
        parser.add_argument("--topic", help="Topic filter (default: SIGAP_TELEMETRY_MQTT_TOPIC).")
        parser.add_argument(
            "--client-id", help="MQTT client id (default: SIGAP_TELEMETRY_MQTT_CLIENT_ID)."
        )

    def handle(self, *args, url: str, topic: str, client_id: str, **options) -> None:
        consumer = Consumer.from_settings(url=url, topic=topic, client_id=client_id)
        stop = threading.Event()

        def request_stop(signum, frame) -> None:
            stop.set()

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        self.stdout.write(
            _("Taking heartbeats from %(url)s, topic %(topic)s, as client %(client)s.")
            % {"url": masked(consumer.url), "topic": consumer.topic, "client": consumer.client_id}
        )
        consumer.start()
        try:
            while not stop.wait(REPORT_EVERY):
                stats = consumer.stats
                logger.info(
                    "MQTT intake: %d received, %d written, %d bad, %d unknown",
                    stats.received,
                    stats.written,
                    stats.bad,
                    stats.unknown,
                )
        finally:
            consumer.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write(_("Stopped; %(counts)s.") % {"counts": _counts(consumer)})


def _counts(consumer: Consumer) -> str:
    stats = consumer.stats
    return _(
        "%(received)d messages received, %(written)d heartbeats written, "
        "%(bad)d unreadable, %(unknown)d of unknown units"
    ) % {
        "received": stats.received,
        "written": stats.written,
        "bad": stats.bad,
        "unknown": stats.unknown,
    }
