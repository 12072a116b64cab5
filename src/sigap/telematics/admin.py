from django.contrib import admin

from sigap.core.admin import ReadOnlyAdmin
from sigap.telematics.models import Outage, OutageGroup, SilenceRule, UnitEvent, UnitState


@admin.register(UnitState)
class UnitStateAdmin(ReadOnlyAdmin):
    """Written by the heartbeats and the scan, never by hand."""

    list_display = ("unit", "condition", "last_contact_at", "last_fix_at", "due_at", "last_alarm")
    list_filter = ("condition", "ignition")
    search_fields = ("unit__imei", "unit__vehicle__plate")
    list_select_related = ("unit",)
    show_full_result_count = False  # a million units: no COUNT(*) per page


@admin.register(UnitEvent)
class UnitEventAdmin(ReadOnlyAdmin):
    list_display = ("unit", "kind", "alarm", "at", "source", "external_id")
    list_filter = ("kind", "alarm", "source")
    search_fields = ("unit__imei",)
    list_select_related = ("unit",)
    show_full_result_count = False


@admin.register(Outage)
class OutageAdmin(ReadOnlyAdmin):
    list_display = ("unit", "condition", "started_at", "ended_at", "cause", "group", "ticket")
    list_filter = ("condition", "cause")
    search_fields = ("unit__imei", "ticket__number")
    list_select_related = ("unit", "cause", "group", "ticket")
    date_hierarchy = "started_at"


@admin.register(OutageGroup)
class OutageGroupAdmin(ReadOnlyAdmin):
    list_display = ("group_by", "key", "started_at", "ended_at", "cause", "ticket")
    list_filter = ("group_by",)
    list_select_related = ("cause", "ticket")


@admin.register(SilenceRule)
class SilenceRuleAdmin(admin.ModelAdmin):
    list_display = ("device_model", "ignition", "contact_minutes", "fix_minutes")
    list_filter = ("ignition",)
