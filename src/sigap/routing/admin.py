from django.contrib import admin

from sigap.routing.models import SupportGroup


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_id", "level", "is_vendor", "assignment", "email")
    list_filter = ("level", "is_vendor", "assignment")
    search_fields = ("code", "name_en", "name_id")
    filter_horizontal = ("members",)
