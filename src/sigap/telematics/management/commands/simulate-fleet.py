"""`sigap simulate-fleet`: made-up telemetry for the units in service, posted to Sigap's
Traccar hook, with a few units failing so that unit monitoring opens its incidents.

    sigap simulate-fleet [--url URL] [--hours 2] [--every 5] [--scan/--no-scan]
                         [--live] [--seed N]

The scenarios are built by `sigap.telematics.simulator`; this command reads the
fleet, posts over HTTP (the token is this installation's SIGAP_TELEMETRY_TOKEN, so
run it with the same SIGAP_DATA_DIR as `sigap up`), runs the silence scan once and,
with --live, keeps the healthy units reporting every minute until Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sigap.core.jobs import job_run
from sigap.telematics.simulator import (
    Send,
    Simulation,
    SimulatorError,
    build,
    deliver,
    fleet_members,
)
from sigap.telematics.tasks import scan_and_follow_up
from sigap.tickets.choices import Channel
from sigap.tickets.models import Ticket

THREADS = 8
TIMEOUT_SECONDS = 30.0

# What each scenario is, and what Sigap should make of it.
SCENARIOS = {
    "power_cut": (gettext_lazy("Power cut by the driver"), gettext_lazy("incident, cause driver disconnected")),
    "blank_spot": (gettext_lazy("Blank spot (Surabaya)"), gettext_lazy("incident under one mass-outage incident")),
    "legacy": (gettext_lazy("Legacy device model"), gettext_lazy("incident, cause old device")),
    "firmware": (gettext_lazy("Firmware below the minimum"), gettext_lazy("incident, cause firmware upgrade")),
    "gps_stale": (gettext_lazy("No valid GPS fix for 30 min"), gettext_lazy("incident: no valid GPS fix")),
    "clock_error": (gettext_lazy("Clock 7 h behind"), gettext_lazy("incident, cause clock error")),
    "delayed": (gettext_lazy("Positions 5-7 min late"), gettext_lazy("nothing: a delay, not an outage")),
    "parked": (gettext_lazy("Parked, reports every 2 h"), gettext_lazy("nothing: a parked unit may be quiet for hours")),
    "ended": (gettext_lazy("Subscription ended, silent"), gettext_lazy("nothing: no subscription, no incident")),
    "normal": (gettext_lazy("Reporting normally"), gettext_lazy("nothing")),
}  # fmt: skip


class Command(BaseCommand):
    help = _(
        "Post made-up telemetry for the units in service to Sigap's Traccar hook, with "
        "units going silent in the ways monitoring recognises, then run the silence scan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="Where Sigap serves (default: SIGAP_BASE_URL).")
        parser.add_argument("--hours", type=int, default=2, help="Hours of history (1-24).")
        parser.add_argument(
            "--every", type=int, default=5, help="Minutes between positions (1-10)."
        )
        parser.add_argument(
            "--scan",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Run the silence scan here once the history is in (default), or leave it to the worker.",
        )
        parser.add_argument(
            "--live", action="store_true", help="Keep posting every minute until Ctrl-C."
        )
        parser.add_argument("--seed", type=int, default=1, help="Which units play the scenarios.")

    def handle(self, *args, url, hours, every, scan, live, seed, **options) -> None:
        if not 1 <= hours <= 24:
            raise CommandError(_("--hours must be between 1 and 24."))
        if not 1 <= every <= 10:
            raise CommandError(_("--every must be between 1 and 10 minutes."))
        token = str(settings.SIGAP_TELEMETRY_TOKEN)
        if not token:
            raise CommandError(_("SIGAP_TELEMETRY_TOKEN is empty: set it to the server's token."))
        url = (url or settings.SIGAP_BASE_URL).rstrip("/")
        try:
            sim = build(
                fleet_members(),
                now=timezone.now(),
                hours=hours,
                every=every,
                seed=seed,
                mass_units=settings.SIGAP_TELEMETRY_MASS_UNITS,
                mass_minutes=settings.SIGAP_TELEMETRY_MASS_MINUTES,
            )
        except SimulatorError as exc:
            raise CommandError(str(exc)) from None
        for note in sim.notes:
            self.stdout.write(self.style.WARNING(note))
        self._summary(sim)
        send = http_sender(url, token)
        started = timezone.now()
        self._post(sim, send, url)
        if scan:
            self._scan(started)
        else:
            self.stdout.write(_("The worker's scan opens the incidents within a minute."))
        if live:
            self._live(sim, send)

    def _summary(self, sim: Simulation) -> None:
        rows = [
            (str(SCENARIOS[s.scenario][0]), s.member.plate, s.member.imei, str(SCENARIOS[s.scenario][1]))
            for s in sim.streams
            if s.scenario != "normal"
        ]  # fmt: skip
        normal = sum(s.scenario == "normal" for s in sim.streams)
        label, outcome = SCENARIOS["normal"]
        rows.append((str(label), _("%(count)d units") % {"count": normal}, "", str(outcome)))
        head = (_("Scenario"), _("Plate"), _("IMEI"), _("Sigap should"))
        widths = [max(len(row[i]) for row in [head, *rows]) for i in range(3)]
        for row in [head, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3]]).rstrip())

    def _post(self, sim: Simulation, send: Send, url: str) -> None:
        total = sum(len(s.payloads) for s in sim.streams)
        self.stdout.write(
            _("Posting %(payloads)d payloads of %(units)d units to %(url)s/hooks/traccar ...")
            % {"payloads": total, "units": len(sim.streams), "url": url}
        )
        began, shown = time.monotonic(), [0]

        def progress(posted: int) -> None:
            tenth = posted * 10 // total
            if tenth > shown[0]:
                shown[0] = tenth
                self.stdout.write(f"  {tenth * 10}%")

        try:
            deliver(
                (s.delivery_order() for s in sim.streams), send, threads=THREADS, progress=progress
            )
        except SimulatorError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("Posted in %(seconds).0f s.") % {"seconds": time.monotonic() - began})

    def _scan(self, started: datetime) -> None:
        with job_run("telemetry_scan") as run:
            counts = scan_and_follow_up()
            if counts["recovered"]:
                # Units back from an earlier run's outages are counted as reporting only
                # after this scan; one more opens their new outages now, not in a minute.
                again = scan_and_follow_up()
                counts = {key: counts[key] + again[key] for key in counts}
            run.counts = counts
        opened = Ticket.objects.filter(channel=Channel.MONITORING, reported_at__gte=started)
        self.stdout.write(
            _(
                "Scan: %(silent)d units went silent (%(grouped)d in mass outages), "
                "%(unsubscribed)d without a subscription, %(recovered)d recovered."
            )
            % counts
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(count)d monitoring incidents opened since the simulation started: see the desk."
                )
                % {"count": opened.count()}
            )
        )

    def _live(self, sim: Simulation, send: Send) -> None:
        stop = threading.Event()

        def request_stop(signum, frame) -> None:
            stop.set()

        # Ctrl-C or SIGTERM ends the loop after the minute's posts, not halfway.
        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        self.stdout.write(
            _("Live: a position every minute from the units still reporting; Ctrl-C stops.")
        )
        try:
            while not stop.wait(60 - time.time() % 60):
                at = timezone.now().replace(microsecond=0)
                try:
                    posted = deliver(sim.live_payloads(at), send, threads=THREADS)
                except SimulatorError as exc:
                    raise CommandError(str(exc)) from None
                when = timezone.localtime(at).strftime("%H:%M")
                self.stdout.write(
                    _("%(at)s: %(count)d positions posted.") % {"at": when, "count": posted}
                )
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(_("Stopped."))


def http_sender(url: str, token: str) -> Send:
    """Posts payloads to Sigap's Traccar hook at `url`, or says why it cannot."""
    endpoint = url + "/hooks/traccar"
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def send(payloads: list[dict]) -> None:
        body = json.dumps(payloads).encode()
        request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as refused:
            raise SimulatorError(_refusal(endpoint, refused)) from None
        except OSError as failed:  # URLError is one
            reason = getattr(failed, "reason", failed)
            if isinstance(reason, ConnectionRefusedError):
                raise SimulatorError(
                    _(
                        "Nothing answers at %(url)s: start Sigap with `sigap up` first, or give its address with --url."
                    )
                    % {"url": url}
                ) from None
            raise SimulatorError(
                _("Cannot reach %(url)s: %(reason)s") % {"url": endpoint, "reason": reason}
            ) from None

    return send


def _refusal(endpoint: str, refused: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(refused.read() or b"{}")
    except ValueError:
        body = {}
    if refused.code in (401, 403):
        return _(
            "%(url)s refused the telemetry token (HTTP %(status)d): the server uses another one. "
            "Run this command with the same SIGAP_DATA_DIR as `sigap up` (the token is kept "
            "there), or set SIGAP_TELEMETRY_TOKEN to the server's token."
        ) % {"url": endpoint, "status": refused.code}
    if body.get("error") == "unknown_unit":
        return _(
            "%(url)s does not know unit %(imei)s: the server uses another database. Run this "
            "command with the same SIGAP_DATA_DIR (or DATABASE_URL) as `sigap up`."
        ) % {"url": endpoint, "imei": body.get("fields", {}).get("imei", "")}
    return _("%(url)s answered HTTP %(status)d: %(message)s") % {
        "url": endpoint,
        "status": refused.code,
        "message": body.get("message") or refused.reason,
    }
