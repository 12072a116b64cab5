from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sigap.routing.choices import Assignment, EscalationKind, EscalationReason, SupportLevel


class SupportGroup(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    level = models.CharField(_("support level"), max_length=16, choices=SupportLevel.choices)
    is_vendor = models.BooleanField(_("external vendor"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    assignment = models.CharField(
        _("assignment"), max_length=16, choices=Assignment.choices, default=Assignment.MANUAL
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("last assigned"),
    )
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working calendar"),
        help_text=_("When reminders may go out; the office calendar when empty."),
    )
    remind_every_minutes = models.PositiveIntegerField(
        _("remind every (working minutes)"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_("Until an escalation to this group is acknowledged."),
    )
    reminders_before_escalating = models.PositiveSmallIntegerField(
        _("reminders before escalating further"),
        default=2,
        help_text=_("Then the escalation goes one level up (0: never)."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="support_groups",
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("support group")
        verbose_name_plural = _("support groups")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_id if translation.get_language() == "id" else self.name_en


class Escalation(models.Model):
    """A ticket handed up: to second line, to management or to a vendor. It is chased
    (`reminders_sent`, `next_reminder_at`) until the receiving group acknowledges it or
    the ticket leaves its hands (`ended_at`)."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="escalations",
        verbose_name=_("ticket"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EscalationKind.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=EscalationReason.choices)
    note = models.TextField(_("note"), blank=True)
    from_group = models.ForeignKey(
        SupportGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from group"),
    )
    from_level = models.CharField(_("from level"), max_length=16, choices=SupportLevel.choices)
    to_group = models.ForeignKey(
        SupportGroup, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("to")
    )
    to_level = models.CharField(_("to level"), max_length=16, choices=SupportLevel.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when Sigap escalated."),
    )
    at = models.DateTimeField(_("at"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    next_reminder_at = models.DateTimeField(_("next reminder"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("ended"), null=True, blank=True, help_text=_("When the ticket left the group's hands.")
    )
    vendor_done_at = models.DateTimeField(_("vendor's part done"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [
            models.Index(fields=["next_reminder_at"], name="escalation_reminder_idx"),
            # The sweep claims each group's due reminders with one UPDATE.
            models.Index(
                fields=["to_group", "next_reminder_at"], name="escalation_group_reminder_idx"
            ),
            models.Index(fields=["ticket", "ended_at"], name="escalation_ticket_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} -> {self.to_group_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None and self.acknowledged_at is None
