from django.contrib import admin

from sigap.core.admin import ReadOnlyAdmin
from sigap.demo.models import DemoLoad


@admin.register(DemoLoad)
class DemoLoadAdmin(ReadOnlyAdmin):
    """Read-only: a load is a record of what happened, made by `sigap demo`."""

    list_display = ("key", "loaded_at", "seed", "seconds")
    readonly_fields = ("key", "seed", "loaded_at", "seconds", "counts")
