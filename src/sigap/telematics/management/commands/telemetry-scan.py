from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sigap.telematics.tasks import scan_and_follow_up


class Command(BaseCommand):
    help = _("Run the silence scan once: open incidents for silent units, resolve recovered ones.")

    def handle(self, *args, **options):
        counts = scan_and_follow_up()
        if counts["stalled"]:
            self.stderr.write(
                _(
                    "Most units fell due at once: Sigap is not hearing heartbeats (its "
                    "intake, the tracking engine or the network between); no unit is blamed."
                )
            )
        self.stdout.write(
            _(
                "%(silent)d units went silent (%(grouped)d in mass outages), "
                "%(unsubscribed)d without a subscription, %(recovered)d recovered."
            )
            % counts
        )
