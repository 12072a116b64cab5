from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelematicsConfig(AppConfig):
    name = "sigap.telematics"
    label = "telematics"
    verbose_name = _("Unit monitoring")

    def ready(self) -> None:
        from sigap.telematics.incidents import on_status_changed, on_ticket_logged
        from sigap.tickets.signals import status_changed, ticket_logged

        ticket_logged.connect(on_ticket_logged, dispatch_uid="sigap.telematics.complaints")
        status_changed.connect(on_status_changed, dispatch_uid="sigap.telematics.children")
