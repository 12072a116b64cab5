from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sigap.sla.choices import Level, Priority, Weekday, Zone


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
