from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with these names (the study's Table 4, plus the manager)."""

    AGENT = "agent", _("Customer support (first line)")
    SPECIALIST = "specialist", _("Specialist (second line)")
    HEAD_OF_INFRASTRUCTURE = "head_of_infrastructure", _("Head of infrastructure")
    VENDOR = "vendor", _("Vendor (external line)")
    MANAGER = "manager", _("Manager")
    CUSTOMER = "customer", _("Customer")


# Roles that work tickets of every organisation.
STAFF_ROLES = frozenset({Role.AGENT, Role.SPECIALIST, Role.HEAD_OF_INFRASTRUCTURE, Role.MANAGER})
