from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportLevel(models.TextChoices):
    """The study's Table 4: who handles what."""

    L1 = "l1", _("First line")
    L2 = "l2", _("Second line")
    L3 = "l3", _("External line (vendor)")
    MANAGEMENT = "management", _("Management")


class Assignment(models.TextChoices):
    """How a ticket that reaches a group finds its assignee."""

    MANUAL = "manual", _("Someone in the group takes it")
    ROUND_ROBIN = "round_robin", _("Round robin")
    FEWEST_OPEN = "fewest_open", _("Whoever has the fewest open tickets")


class EscalationKind(models.TextChoices):
    FUNCTIONAL = "functional", _("Functional (second line)")
    MANAGEMENT = "management", _("Management")
    VENDOR = "vendor", _("Vendor (third line)")


class EscalationReason(models.TextChoices):
    MANUAL = "manual", _("Asked for")
    SLA = "sla", _("Resolution clock passed its share")
    BREACH = "breach", _("Second line breached the target")
    CRITICAL = "critical", _("Priority-1 incident")
    UNACKNOWLEDGED = "unacknowledged", _("Not acknowledged after reminders")
