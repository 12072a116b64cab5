from django.contrib import admin

from sigap.core.models import JobRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened (timeline entries, demo loads): shown, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "started_at", "seconds", "status", "acted", "counts", "by")
    list_filter = ("name", "status", "acted")
    date_hierarchy = "started_at"
