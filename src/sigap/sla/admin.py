from django.contrib import admin

from sigap.core.admin import ReadOnlyAdmin
from sigap.sla.models import (
    BusinessCalendar,
    ClosedDate,
    PriorityRule,
    SlaBreach,
    SlaPolicy,
    WorkingHours,
)


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    list_filter = ("impact", "urgency")


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class ClosedDateInline(admin.TabularInline):
    model = ClosedDate
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "time_zone", "always_open", "public_holidays", "joint_leave")
    inlines = [WorkingHoursInline, ClosedDateInline]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("calendar", "weekday", "opens", "closes")
    list_filter = ("calendar",)


@admin.register(ClosedDate)
class ClosedDateAdmin(admin.ModelAdmin):
    list_display = ("calendar", "date", "name")
    list_filter = ("calendar",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "priority",
        "kind",
        "tier",
        "category",
        "calendar",
        "response_minutes",
        "resolve_minutes",
        "warn_percent",
        "escalate_percent",
        "is_active",
    )
    list_filter = ("priority", "kind", "tier", "calendar", "is_active")
    list_editable = (
        "response_minutes",
        "resolve_minutes",
        "warn_percent",
        "escalate_percent",
        "is_active",
    )


@admin.register(SlaBreach)
class SlaBreachAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "clock", "due_at", "stopped_at", "late_by")
    list_filter = ("clock",)
    list_select_related = ("ticket",)
