from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Sigap"), {"fields": ("language", "time_zone", "organisation", "contact")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "organisation", "is_staff")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    autocomplete_fields = ("organisation", "contact")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")

    def has_add_permission(self, request):  # tokens are made by `sigap token`, shown once
        return False
