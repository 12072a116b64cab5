from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    PRIORITY = "priority", _("Priority")
    VIP = "vip", _("VIP")


class Language(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated")


class TerminationReason(models.TextChoices):
    """Why a subscription stopped early (the study's Table 1 removal causes)."""

    CONTRACT_ENDED = "contract_ended", _("Contract ended (moved to another vendor)")
    VEHICLE_SOLD = "vehicle_sold", _("Vehicle sold")
    OTHER = "other", _("Other")
