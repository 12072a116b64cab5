from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sigap.customers.choices import Tier
from sigap.sla.choices import Clock, Level, Priority, Weekday, Zone
from sigap.tickets.choices import Kind


class PriorityRule(models.Model):
    """One cell of the impact x urgency matrix, editable in the admin."""

    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Level.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    class Meta:
        ordering = ["priority", "impact", "urgency"]
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.impact} x {self.urgency} = {self.priority}"


class BusinessCalendar(models.Model):
    """When the desk works: opening hours per weekday in one zone, minus Indonesian
    public holidays, optionally the government's joint leave days, and the company's
    own closed dates. A 24x7 calendar is for what must never wait."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    time_zone = models.CharField(
        _("time zone"), max_length=32, choices=Zone.choices, default=Zone.WIB
    )
    always_open = models.BooleanField(
        _("24 x 7"), default=False, help_text=_("Every hour of every day counts.")
    )
    public_holidays = models.BooleanField(_("closed on Indonesian public holidays"), default=True)
    joint_leave = models.BooleanField(
        _("closed on the government's joint leave days (cuti bersama)"), default=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name_id if translation.get_language() == "id" else self.name_en


class WorkingHours(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="hours", verbose_name=_("calendar")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["calendar", "weekday"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "weekday"], name="hours_one_per_weekday"),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class ClosedDate(models.Model):
    """A date the company is closed on besides the public holidays."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="closed_dates",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("why"), max_length=100)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("closed date")
        verbose_name_plural = _("closed dates")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="closed_date_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class SlaPolicy(models.Model):
    """The targets a ticket is held to: a first response and a resolution, in working
    time on a calendar. The most specific active policy for the ticket's kind,
    priority, organisation tier and category applies; a blank field matches any."""

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    tier = models.CharField(_("organisation tier"), max_length=16, choices=Tier.choices, blank=True)
    category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Also applies to the category's subcategories."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="+", verbose_name=_("calendar")
    )
    response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    resolve_minutes = models.PositiveIntegerField(_("resolution within (minutes)"))
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (% of the target)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("The assignee and the group are warned when this share of a target is used."),
    )
    escalate_percent = models.PositiveSmallIntegerField(
        _("escalate to second line at (% of the resolution target)"),
        null=True,
        blank=True,
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "A ticket still with first line then goes to its category's second-line group. "
            "Empty: only when someone escalates it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "kind", "tier", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return f"P{self.priority} {self.kind or '*'} {self.tier or '*'}"


class SlaBreach(models.Model):
    """A target missed: which clock, when it ran out and by how much working time."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="breaches",
        verbose_name=_("ticket"),
    )
    clock = models.CharField(_("clock"), max_length=10, choices=Clock.choices)
    due_at = models.DateTimeField(_("was due"))
    # Empty while the clock still runs past its target (found by the sweep).
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    late_by = models.DurationField(_("late by (working time)"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "clock"], name="breach_once_per_clock"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.clock} +{self.late_by}"
