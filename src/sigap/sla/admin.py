from django.contrib import admin

from sigap.sla.models import BusinessCalendar, ClosedDate, PriorityRule, WorkingHours


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
