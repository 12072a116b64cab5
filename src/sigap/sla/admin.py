from django.contrib import admin

from sigap.sla.models import PriorityRule


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    list_filter = ("impact", "urgency")
