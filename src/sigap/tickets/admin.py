from django.contrib import admin

from sigap.core.admin import ReadOnlyAdmin
from sigap.tickets.models import Attachment, Category, Cause, Entry, Ticket, TicketSequence


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_id", "kind", "support_group", "is_active")
    list_filter = ("kind", "is_active", "support_group")
    search_fields = ("code", "name_en", "name_id")


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_id", "is_active")
    search_fields = ("code", "name_en", "name_id")
    filter_horizontal = ("categories",)


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ("at", "kind", "action", "actor", "via", "public", "body", "changes")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Tickets are read here; changes go through the desk and API so they reach
    the timeline. Only superusers can correct a record in place."""

    list_display = (
        "number",
        "title",
        "kind",
        "status",
        "priority",
        "category",
        "organisation",
        "channel",
        "reported_at",
    )
    list_filter = ("kind", "status", "priority", "channel", "support_level")
    search_fields = ("number", "title", "organisation__name", "vehicle__plate", "unit__imei")
    date_hierarchy = "reported_at"
    list_select_related = ("category", "organisation")
    raw_id_fields = ("organisation", "contact", "vehicle", "unit", "assignee", "created_by")
    readonly_fields = ("number", "version")
    inlines = [EntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "at", "kind", "action", "actor", "via", "public")
    list_filter = ("kind", "via", "public")
    search_fields = ("ticket__number", "body")
    list_select_related = ("ticket", "actor")
    raw_id_fields = ("ticket", "actor")


@admin.register(TicketSequence)
class TicketSequenceAdmin(admin.ModelAdmin):
    list_display = ("kind", "last_value")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "ticket", "filename", "content_type", "size", "refused")
    search_fields = ("filename", "ticket__number", "sha256")
    list_select_related = ("ticket",)
