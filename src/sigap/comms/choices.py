"""The vocabularies of surveys and broadcasts, and the broadcast's state machine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Score(models.IntegerChoices):
    """The study's one question, "Would you recommend us?", on its 1-5 scale."""

    DEFINITELY_NOT = 1, _("Definitely not")
    PROBABLY_NOT = 2, _("Probably not")
    NOT_SURE = 3, _("Not sure")
    PROBABLY = 4, _("Probably")
    DEFINITELY = 5, _("Definitely")


# The standard Net Promoter form on the 1-5 scale: 5 promotes, 4 is passive, 1-3 detract.
PROMOTER_SCORES = (5,)
PASSIVE_SCORES = (4,)
DETRACTOR_SCORES = (1, 2, 3)


class SurveyOutcome(models.TextChoices):
    """What became of one answer to a survey."""

    RECORDED = "recorded", _("Recorded")
    REPEAT = "repeat", _("Already answered: the first answer stands")
    LATE = "late", _("Too late: the survey had closed")


class BroadcastKind(models.TextChoices):
    REGULAR = "regular", _("Regular notice")
    SPECIAL = "special", _("Special notice (greetings, events)")
    EMERGENCY = "emergency", _("Emergency (outage, maintenance)")


class BroadcastChannels(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    BOTH = "both", _("E-mail and WhatsApp")


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class BroadcastAction(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    SEND = "send", _("Send")
    FINISH = "finish", _("Finish")
    CANCEL = "cancel", _("Cancel")


# action -> (statuses it may start from, status it leads to)
BROADCAST_TRANSITIONS: dict[BroadcastAction, tuple[frozenset[str], BroadcastStatus]] = {
    BroadcastAction.SCHEDULE: (frozenset({BroadcastStatus.DRAFT}), BroadcastStatus.SCHEDULED),
    BroadcastAction.SEND: (
        frozenset({BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED}),
        BroadcastStatus.SENDING,
    ),
    BroadcastAction.FINISH: (frozenset({BroadcastStatus.SENDING}), BroadcastStatus.SENT),
    BroadcastAction.CANCEL: (
        frozenset({BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING}),
        BroadcastStatus.CANCELLED,
    ),
}
