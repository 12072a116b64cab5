from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sigap.comms.models import Broadcast, BroadcastDelivery, Survey
from sigap.core.admin import ReadOnlyAdmin


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = (
        "ticket",
        "contact",
        "channel",
        "sent_at",
        "score",
        "answered_at",
        "repeat_answers",
        "late_answers",
    )
    list_filter = ("channel", "score", "language")
    search_fields = ("ticket__number", "contact__name", "address")
    date_hierarchy = "sent_at"
    exclude = ("key",)  # half of every survey link


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    """Written and sent from the desk; here an operator can read and correct a draft."""

    list_display = ("subject_en", "kind", "channels", "status", "scheduled_for", "started_at")
    list_filter = ("kind", "status", "channels")
    search_fields = ("subject_en", "subject_id")
    date_hierarchy = "created_at"
    raw_id_fields = ("outage", "created_by")
    readonly_fields = (
        "status",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "cancelled_at",
        "targeted",
    )

    def has_add_permission(self, request):
        return False  # written on the desk's broadcast page

    def has_change_permission(self, request, obj=None):
        # Only a draft is still words on a page; the rest went out or is going.
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status == "draft"
        )


@admin.register(BroadcastDelivery)
class BroadcastDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("broadcast", "contact", "channel", "address", "message_status")
    list_filter = ("channel", "message__status")
    search_fields = ("address", "contact__name")
    list_select_related = ("broadcast", "contact", "message")

    @admin.display(description=_("delivery status"))
    def message_status(self, obj: BroadcastDelivery) -> str:
        return obj.message.get_status_display() if obj.message else "-"
