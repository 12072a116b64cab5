"""`sigap mail-in`: take one RFC 5322 message from stdin, for an MTA's pipe transport.

    sigap mail-in [--mailbox support@example.co.id] < message.eml

The exit status is what the MTA acts on (sysexits.h): 0 when the mail is stored or
was stored before; 65 (EX_DATAERR) when it cannot be parsed, after keeping it in the
quarantine, so the MTA does not deliver it again; 75 (EX_TEMPFAIL) when the database
or Sigap itself failed, so the MTA keeps the mail and retries. Any failure is one
line on stderr.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Take one e-mail (RFC 5322) from standard input, as an MTA pipe delivers it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mailbox",
            default="",
            help="Sigap's address the mail was delivered to (default: SIGAP_SUPPORT_EMAIL).",
        )

    def handle(self, *args, **options) -> None:
        from sigap.channels.email.intake import Refused, take

        raw = sys.stdin.buffer.read()
        if not raw.strip():
            raise CommandError(_("No message on standard input."), returncode=EX_DATAERR)
        try:
            received = take(raw, source="pipe", mailbox=options["mailbox"])
        except Refused as exc:
            raise CommandError(
                _("Not taken in: %(reason)s (kept in the quarantine as #%(id)s).")
                % {"reason": exc.reason, "id": exc.quarantine_id},
                returncode=EX_DATAERR,
            ) from exc
        except DatabaseError as exc:
            raise CommandError(
                _("The database failed, try again later: %(error)s")
                % {"error": _one_line(str(exc))},
                returncode=EX_TEMPFAIL,
            ) from exc
        except Exception as exc:
            # A fault of Sigap's, not of the mail: the MTA keeps it and retries.
            raise CommandError(
                _("Sigap could not take the message in, try again later: %(error)s")
                % {"error": _one_line(f"{type(exc).__name__}: {exc}")},
                returncode=EX_TEMPFAIL,
            ) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(_describe(received))


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _describe(received) -> str:
    if received is None:
        return _("Not stored: Sigap's own mail or a delivery report about it.")
    number = received.ticket.number if received.ticket is not None else "-"
    if received.duplicate:
        return _("Stored before, on %(ticket)s.") % {"ticket": number}
    return _("Stored on %(ticket)s.") % {"ticket": number}
