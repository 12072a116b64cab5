from django.contrib import admin

from sigap.demo.models import DemoLoad


@admin.register(DemoLoad)
class DemoLoadAdmin(admin.ModelAdmin):
    """Read-only: a load is a record of what happened, made by `sigap demo`."""

    list_display = ("key", "loaded_at", "seed", "seconds")
    readonly_fields = ("key", "seed", "loaded_at", "seconds", "counts")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
