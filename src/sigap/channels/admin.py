from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from sigap.channels.models import CannedReply, Message, Quarantine
from sigap.core.admin import ReadOnlyAdmin


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "direction",
        "channel",
        "ticket",
        "sender",
        "recipient",
        "status",
        "error",
    )
    list_filter = ("direction", "channel", "status", "automatic")
    search_fields = ("external_id", "sender", "recipient", "subject", "ticket__number")
    date_hierarchy = "created_at"


@admin.register(Quarantine)
class QuarantineAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "channel", "source", "error", "replayed_at", "message")
    list_filter = ("channel", "replayed_at")
    actions = ["replay"]

    @admin.action(description=_("Take the selected messages in again"))
    def replay(self, request, queryset):
        from sigap.channels.services import quarantine_replay

        done = failed = 0
        for item in queryset.filter(replayed_at__isnull=True):
            if quarantine_replay(item=item):
                done += 1
            else:
                failed += 1
        self.message_user(
            request,
            _("%(done)s taken in, %(failed)s still refused.") % {"done": done, "failed": failed},
            messages.SUCCESS if not failed else messages.WARNING,
        )


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_id", "category_codes", "ordering", "is_active")
    list_display_links = ("title_en", "title_id")
    list_editable = ("ordering", "is_active")
    list_filter = ("is_active", "categories")
    search_fields = ("title_en", "title_id", "body_en", "body_id", "categories__code")
    filter_horizontal = ("categories",)
    fieldsets = (
        (None, {"fields": ("title_en", "body_en", "title_id", "body_id")}),
        (_("Where it is offered"), {"fields": ("categories", "ordering", "is_active")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("categories"))
    def category_codes(self, obj: CannedReply) -> str:
        return ", ".join(c.code for c in obj.categories.all()) or _("every category")
