from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.db.models import Sum
from django.utils.translation import gettext as _

from sigap.kpi.models import Kpi, KpiEntry


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_en",
        "weight",
        "target",
        "unit",
        "direction",
        "scoring",
        "source",
        "time_basis",
        "is_active",
    )
    list_editable = ("weight", "target", "scoring", "time_basis", "is_active")
    list_filter = ("is_active", "source", "scoring")
    search_fields = ("code", "name_en", "name_id")

    def changelist_view(self, request, extra_context=None):
        # Weights are edited one by one: say what they add up to now.
        total = Kpi.objects.filter(is_active=True).aggregate(total=Sum("weight"))["total"]
        if total is not None and total != Decimal(100):
            messages.info(
                request,
                _("The active KPIs' weights add up to %(total)s; the final score is scaled to 100.")
                % {"total": total},
            )
        return super().changelist_view(request, extra_context)


@admin.register(KpiEntry)
class KpiEntryAdmin(admin.ModelAdmin):
    list_display = ("kpi", "period_start", "period_end", "value", "entered_by", "entered_at")
    list_filter = ("kpi",)
    date_hierarchy = "period_start"
    readonly_fields = ("entered_by", "entered_at")

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user  # who stands behind the number
        super().save_model(request, obj, form, change)
