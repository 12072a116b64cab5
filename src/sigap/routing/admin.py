from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sigap.core.admin import ReadOnlyAdmin
from sigap.routing.models import Escalation, SupportGroup
from sigap.routing.tasks import escalations_notify


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_en",
        "name_id",
        "level",
        "is_vendor",
        "assignment",
        "remind_every_minutes",
        "email",
    )
    list_filter = ("level", "is_vendor", "assignment")
    search_fields = ("code", "name_en", "name_id")
    filter_horizontal = ("members",)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    """The record of who escalated what to whom; written by Sigap, read here."""

    list_display = (
        "ticket",
        "kind",
        "reason",
        "to_group",
        "at",
        "acknowledged_at",
        "reminders_sent",
        "ended_at",
    )
    list_filter = ("kind", "reason", "to_group")
    search_fields = ("ticket__number",)
    list_select_related = ("ticket", "to_group")
    actions = ["resend_to_group"]

    @admin.action(description=_("Send the escalation again (a vendor gets a new link)"))
    def resend_to_group(self, request, queryset) -> None:
        ids = list(queryset.filter(ended_at__isnull=True).values_list("pk", flat=True))
        escalations_notify(ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d escalation sent again.", "%(count)d escalations sent again.", len(ids)
            )
            % {"count": len(ids)},
        )
