from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.comms.choices import BroadcastChannels, BroadcastKind, BroadcastStatus, Score
from sigap.customers.choices import Language, Tier
from sigap.tickets.choices import Channel, Via


class Survey(models.Model):
    """The one-question survey a customer gets when their ticket is closed: one per
    ticket, so a ticket reopened and closed again is not asked twice.

    The link in the message carries `key` signed with the installation's secret
    (`surveys.survey_link`); WhatsApp's list answers name the survey's id and are taken
    only from the contact it was sent to. The first answer stands; later ones and those
    after `answer_by` are refused and only counted.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="survey", verbose_name=_("ticket")
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("contact"),
    )
    channel = models.CharField(_("sent by"), max_length=16, choices=Channel.choices)
    address = models.CharField(_("sent to"), max_length=320)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    key = models.CharField(_("key"), max_length=32, unique=True, editable=False)
    message = models.OneToOneField(
        "channels.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey",
        verbose_name=_("message"),
    )
    sent_at = models.DateTimeField(_("sent"))
    answer_by = models.DateTimeField(_("answers taken until"))
    score = models.PositiveSmallIntegerField(
        _("score"), choices=Score.choices, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_via = models.CharField(
        _("answered via"), max_length=16, choices=Via.choices, blank=True
    )
    repeat_answers = models.PositiveSmallIntegerField(
        _("answers after the first"),
        default=0,
        help_text=_("Refused: the first answer stands."),
    )
    late_answers = models.PositiveSmallIntegerField(
        _("answers too late"),
        default=0,
        help_text=_("Refused: they came after the survey closed."),
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_range",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True)
                | models.Q(score__isnull=False, answered_at__isnull=False),
                name="survey_answer_whole",
            ),
        ]
        indexes = [
            # The NPS realisation: surveys answered in a period.
            models.Index(
                fields=["answered_at"],
                name="survey_answered_idx",
                condition=models.Q(answered_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.score or '-'}"


class Broadcast(models.Model):
    """A notice to all customers or a segment of them (tier, region, device model; empty
    means all), by e-mail, WhatsApp or both, each contact in their language. Sent now or
    at `scheduled_for`, throttled; every contact and channel it goes to is a
    `BroadcastDelivery`."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=BroadcastKind.choices, default=BroadcastKind.REGULAR
    )
    subject_id = models.CharField(_("subject (Indonesian)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_id = models.TextField(_("text (Indonesian)"))
    body_en = models.TextField(_("text (English)"))
    tier = models.CharField(
        _("tier"),
        max_length=16,
        choices=Tier.choices,
        blank=True,
        help_text=_("Empty: every tier."),
    )
    region = models.CharField(
        _("region"), max_length=64, blank=True, help_text=_("Empty: every region.")
    )
    device_model = models.ForeignKey(
        "customers.DeviceModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device model"),
        help_text=_("Only organisations with a unit of this model. Empty: every model."),
    )
    channels = models.CharField(
        _("channels"),
        max_length=16,
        choices=BroadcastChannels.choices,
        default=BroadcastChannels.BOTH,
    )
    scheduled_for = models.DateTimeField(
        _("send at"), null=True, blank=True, help_text=_("Empty: when it is sent from the desk.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT
    )
    outage = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="broadcasts",
        verbose_name=_("outage ticket"),
        help_text=_(
            "The incident this notice is about: unit tickets its recipients open soon "
            "after are linked to it."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    targeted = models.PositiveIntegerField(
        _("deliveries"), default=0, help_text=_("Contacts and channels it was addressed to.")
    )
    # Once no delivery report can come any more, the reach is counted once and kept
    # here, so a year's figure does not join every delivery to its message again.
    final_contacts = models.PositiveIntegerField(_("contacts addressed"), null=True, blank=True)
    final_reached = models.PositiveIntegerField(_("contacts reached"), null=True, blank=True)
    reach_final_at = models.DateTimeField(_("reach counted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                name="broadcast_due_idx",
                condition=models.Q(status="scheduled"),
            ),
            models.Index(fields=["started_at"], name="broadcast_started_idx"),
        ]

    def __str__(self) -> str:
        return self.subject_en

    def subject_in(self, language: str) -> str:
        return self.subject_id if language == "id" else self.subject_en

    def body_in(self, language: str) -> str:
        return self.body_id if language == "id" else self.body_en

    @property
    def channel_list(self) -> list[str]:
        if self.channels == BroadcastChannels.BOTH:
            return [Channel.EMAIL, Channel.WHATSAPP]
        return [self.channels]


class BroadcastDelivery(models.Model):
    """A broadcast to one contact on one channel. Its delivery status is the status of
    the message it became (`message.status`); before that it is waiting for its batch."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("broadcast")
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        related_name="broadcast_deliveries",
        verbose_name=_("contact"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=320)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    message = models.OneToOneField(
        "channels.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="broadcast_delivery",
        verbose_name=_("message"),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["broadcast", "id"]
        verbose_name = _("broadcast delivery")
        verbose_name_plural = _("broadcast deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "contact", "channel"], name="broadcast_delivery_unique"
            ),
        ]
        indexes = [
            # The next batch: the broadcast's deliveries not yet made messages.
            models.Index(
                fields=["broadcast", "id"],
                name="broadcast_delivery_waiting_idx",
                condition=models.Q(message__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} {self.channel} {self.address}"
