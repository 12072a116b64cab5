from __future__ import annotations

from django.db.models import QuerySet

from sigap.accounts.choices import STAFF_ROLES
from sigap.accounts.models import User


def staff_list() -> QuerySet[User]:
    """The active people who work tickets, by name."""
    return (
        User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
