from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened (timeline entries, demo loads): shown, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
