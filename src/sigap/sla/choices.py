from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Impact and urgency share the three ITIL levels."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# The ITIL V3 impact x urgency matrix: (impact, urgency) -> priority 1 (critical) .. 5 (planning).
DEFAULT_MATRIX: dict[tuple[str, str], int] = {
    ("high", "high"): 1,
    ("high", "medium"): 2,
    ("medium", "high"): 2,
    ("high", "low"): 3,
    ("medium", "medium"): 3,
    ("low", "high"): 3,
    ("medium", "low"): 4,
    ("low", "medium"): 4,
    ("low", "low"): 5,
}


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("1 - Critical")
    HIGH = 2, _("2 - High")
    MEDIUM = 3, _("3 - Medium")
    LOW = 4, _("4 - Low")
    PLANNING = 5, _("5 - Planning")


class Zone(models.TextChoices):
    """Indonesia's three time zones."""

    WIB = "Asia/Jakarta", _("Western Indonesia (WIB, Asia/Jakarta)")
    WITA = "Asia/Makassar", _("Central Indonesia (WITA, Asia/Makassar)")
    WIT = "Asia/Jayapura", _("Eastern Indonesia (WIT, Asia/Jayapura)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Clock(models.TextChoices):
    RESPONSE = "response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
