from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
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
    payload = models.JSONField(
        _("interactive content"),
        default=dict,
        blank=True,
        help_text=_(
            "WhatsApp: an interactive message (a list to choose from) sent instead of the "
            "text while the customer's 24-hour window is open; the text is the fallback."
        ),
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


# What a canned reply's text may name, filled in by `canned.canned_render`. Only these
# plain names: the text is not run through str.format, where `{ticket.__class__}` would
# reach into Python objects, and a customer's name full of braces is only ever a value.
PLACEHOLDERS = ("customer", "ticket", "plate", "agent")
BODY_HELP = _(
    "Placeholders: {customer}, {ticket}, {plate} and {agent}. "
    "Write {{ and }} to show a brace as it is."
)
# A doubled brace (a brace shown as it is), a placeholder, or a brace without its pair.
TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def template_problems(text: str) -> list[str]:
    """What is wrong with a canned reply's text, one readable message per problem."""
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    problems: dict[str, None] = {}  # ordered, each said once
    for match in TEMPLATE_TOKEN.finditer(text):
        token, name = match.group(), match.group(1)
        if token in ("{{", "}}") or name in PLACEHOLDERS:
            continue
        if name is None:
            near = text[max(0, match.start() - 20) : match.end() + 20].replace("\n", " ")
            problem = gettext(
                'The brace %(brace)s near "%(near)s" has no pair. '
                "Write %(brace)s%(brace)s to show a brace as it is."
            ) % {"brace": token, "near": near.strip()}
        else:
            problem = gettext("Unknown placeholder %(placeholder)s: use only %(known)s.") % {
                "placeholder": token,
                "known": known,
            }
        problems[problem] = None
    return list(problems)


class CannedReply(models.Model):
    """A reply agents send again and again, in both languages, offered on the tickets
    of its categories (and their subcategories), or on every ticket when it has none."""

    title_en = models.CharField(_("title (English)"), max_length=150)
    title_id = models.CharField(_("title (Indonesian)"), max_length=150)
    body_en = models.TextField(_("text (English)"), help_text=BODY_HELP)
    body_id = models.TextField(_("text (Indonesian)"), help_text=BODY_HELP)
    categories = models.ManyToManyField(
        "tickets.Category",
        blank=True,
        related_name="canned_replies",
        verbose_name=_("categories"),
        help_text=_(
            "Offered on tickets of these categories and of their subcategories; "
            "with none, on every ticket."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first in the desk's list.")
    )

    class Meta:
        ordering = ["ordering", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """In the language of the page: the agent's, not the customer's."""
        return self.title_id if translation.get_language() == "id" else self.title_en

    def body_in(self, language: str) -> str:
        return self.body_id if language == "id" else self.body_en

    def clean(self) -> None:
        errors = {
            field: problems
            for field in ("body_en", "body_id")
            if (problems := template_problems(getattr(self, field)))
        }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        # The admin has run clean() already; this stops a script or the shell from
        # storing a text the desk would show with its placeholders unfilled.
        self.clean()
        super().save(*args, **kwargs)
