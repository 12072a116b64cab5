from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "sigap.comms"
    label = "comms"
    verbose_name = _("Surveys and broadcasts")

    def ready(self) -> None:
        from sigap.channels.whatsapp.intake import reply_handler_register
        from sigap.comms.surveys import on_status_changed, survey_whatsapp_reply
        from sigap.tickets.signals import status_changed

        status_changed.connect(on_status_changed, dispatch_uid="sigap.comms.surveys")
        # The survey's WhatsApp list answers with ids "survey:<id>:<score>".
        reply_handler_register("survey", survey_whatsapp_reply)
