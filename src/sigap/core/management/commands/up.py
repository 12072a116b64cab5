"""`sigap up`: migrate, make an admin if there is none, then serve web + worker.

Gunicorn and the Huey consumer run as children in this process group: Ctrl-C
(or SIGTERM) stops both cleanly, and if either dies the other is stopped too.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sigap.accounts.models import User

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run Sigap on this machine: migrate, create an admin, serve web and worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--demo", action="store_true", help="load the case-study data set")

    def handle(self, *args, host: str, port: int, workers: int, demo: bool, **options):
        if not 1 <= port <= 65535:
            raise CommandError(_("--port %(port)s is not a TCP port.") % {"port": port})
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        self.stdout.write(_("Data directory: %(path)s") % {"path": settings.DATA_DIR})
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self._ensure_admin()
        if demo:
            try:
                call_command("demo", stdout=self.stdout)
            except CommandError as exc:  # e.g. a desk with real tickets: serve it anyway
                self.stderr.write(str(exc))
        self._serve(host, port, workers)

    def _ensure_admin(self) -> None:
        if User.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                _("Created the administrator account (shown only this once):")
                + f"\n  username: admin\n  password: {password}"
            )
        )

    def _serve(self, host: str, port: int, workers: int) -> None:
        env = {**os.environ, "SIGAP_DATA_DIR": str(settings.DATA_DIR)}
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "sigap.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                str(STOP_GRACE_SECONDS),
            ],
            "worker": [sys.executable, "-m", "sigap", "run_huey"],
        }
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(
                _("Sigap is running at %(url)s  (Ctrl-C stops it)") % {"url": f"http://{bind}/"}
            )
        )

        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(
                        _("%(name)s exited with status %(code)s; stopping.")
                        % {"name": name, "code": child.returncode}
                    )
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.2)
        self._stop(children)
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write(_("Sigap stopped."))
