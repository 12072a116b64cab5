from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.channels.choices import Delivery, Direction
from sigap.customers.choices import Language
from sigap.tickets.choices import Channel


class Message(models.Model):
    """One message received from or sent to a customer, on any channel.

    The sender's own id (`external_id`: an e-mail's Message-ID, a WhatsApp message id)
    is unique per channel and mailbox, so a message delivered twice is stored once.
    Outbound rows carry their delivery state; the timeline entry holds the text the
    desk sees.
    """

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    mailbox = models.CharField(
        _("mailbox"),
        max_length=255,
        blank=True,
        help_text=_("The address or WhatsApp number of Sigap's that took or sent it."),
    )
    external_id = models.CharField(_("sender's id"), max_length=255, null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("ticket"),
    )
    entry = models.OneToOneField(
        "tickets.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="message",
        verbose_name=_("timeline entry"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("contact"),
    )
    sender = models.CharField(_("from"), max_length=320, blank=True)
    recipient = models.CharField(_("to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    references = models.TextField(_("references"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )
    automatic = models.BooleanField(
        _("automatic"),
        default=False,
        help_text=_("Sent by Sigap itself, such as an acknowledgement."),
    )
    template = models.CharField(
        _("template"), max_length=100, blank=True, help_text=_("WhatsApp: the template used.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Delivery.choices)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    status_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "mailbox", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="message_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_idx"),
            models.Index(fields=["external_id"], name="message_external_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.channel} {self.external_id or self.pk}"


class Quarantine(models.Model):
    """A message that arrived but could not be taken in, kept whole so an operator can
    see why and replay it once the cause is fixed. Nothing that arrives is dropped."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    source = models.CharField(
        _("source"), max_length=255, help_text=_("Where it came from: a mailbox, the pipe, a hook.")
    )
    raw = models.BinaryField(_("raw message"))
    error = models.TextField(_("why it was refused"))
    received_at = models.DateTimeField(_("received"))
    replayed_at = models.DateTimeField(_("replayed"), null=True, blank=True)
    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stored as"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("quarantined message")
        verbose_name_plural = _("quarantine")

    def __str__(self) -> str:
        return f"{self.channel} {self.source} {self.received_at:%Y-%m-%d %H:%M}"
