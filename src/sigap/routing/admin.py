from django.contrib import admin

from sigap.routing.models import Escalation, SupportGroup


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
class EscalationAdmin(admin.ModelAdmin):
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
    raw_id_fields = ("ticket",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
