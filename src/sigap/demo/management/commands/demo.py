from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sigap.core.errors import DomainError
from sigap.demo.dataset import demo_load


class Command(BaseCommand):
    help = "Load the case study's data set (January-May 2022) into an empty desk."

    def handle(self, *args, **options) -> None:
        try:
            result = demo_load()
        except DomainError as exc:
            raise CommandError(exc.message) from None
        record = result.record
        if not result.created:
            self.stdout.write(
                _("The case-study data set is already loaded (%(when)s); nothing changed.")
                % {"when": formats.localize(timezone.localtime(record.loaded_at))}
            )
            return
        counts = record.counts
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Loaded the case-study data set (January-May 2022) in %(seconds).1f s: "
                    "%(organisations)d organisations, %(contacts)d contacts, %(vehicles)d "
                    "vehicles, %(units)d GPS units, %(users)d staff users, %(tickets)d tickets "
                    "with %(entries)d timeline entries."
                )
                % {"seconds": record.seconds, **counts}
            )
        )
