from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "sigap.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        # Huey registers tasks when their module is imported, and it imports only each
        # app's own tasks module; the channel packages are not apps.
        from sigap.channels.email import tasks as email_tasks  # noqa: F401
        from sigap.channels.status import on_status_changed
        from sigap.channels.whatsapp import tasks as whatsapp_tasks  # noqa: F401
        from sigap.tickets.signals import status_changed

        status_changed.connect(on_status_changed, dispatch_uid="sigap.channels.status")
