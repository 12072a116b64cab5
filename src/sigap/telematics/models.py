from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.customers.models import DeviceModel, Unit
from sigap.telematics.choices import Condition, GroupBy, Ignition, Source


class UnitState(models.Model):
    """What Sigap last knew of a unit: one row, merged from its heartbeats in batches.

    Times only move forward: a message older than what the row holds (out of order, or
    a retry) cannot put the state back. `due_at` is when the unit counts as silent if
    nothing newer arrives; the silence scan reads only the rows that are due."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    last_fix_at = models.DateTimeField(_("last valid fix (device time)"), null=True, blank=True)
    fix_heard_at = models.DateTimeField(_("last valid fix received"), null=True, blank=True)
    attributes_at = models.DateTimeField(null=True, blank=True, editable=False)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    area = models.CharField(_("area"), max_length=32, blank=True)
    operator = models.CharField(_("mobile operator"), max_length=64, blank=True)
    ignition = models.BooleanField(_("ignition"), null=True, blank=True)
    power = models.FloatField(_("power (V)"), null=True, blank=True)
    power_trend = models.FloatField(_("power trend (V/h)"), null=True, blank=True)
    battery = models.FloatField(_("battery (V)"), null=True, blank=True)
    battery_trend = models.FloatField(_("battery trend (V/h)"), null=True, blank=True)
    rssi = models.IntegerField(_("signal (RSSI)"), null=True, blank=True)
    satellites = models.IntegerField(_("satellites"), null=True, blank=True)
    last_alarm = models.CharField(_("last alarm"), max_length=32, blank=True)
    last_alarm_at = models.DateTimeField(_("last alarm at"), null=True, blank=True)
    delay_seconds = models.IntegerField(
        _("delivery delay (s)"),
        null=True,
        blank=True,
        help_text=_("How long the last position took from its fix to Sigap."),
    )
    clock_offset_seconds = models.IntegerField(_("clock offset (s)"), null=True, blank=True)
    clock_offset_seen = models.PositiveSmallIntegerField(default=0, editable=False)
    due_at = models.DateTimeField(_("silent if not heard by"), null=True, blank=True)
    condition = models.CharField(
        _("condition"), max_length=16, choices=Condition.choices, default=Condition.OK
    )
    condition_since = models.DateTimeField(_("condition since"), null=True, blank=True)
    recovered_at = models.DateTimeField(
        _("first valid fix after the outage"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("unit state")
        verbose_name_plural = _("unit states")
        indexes = [
            # The scan: units still counted as reporting whose deadline passed.
            models.Index(
                fields=["due_at"], condition=models.Q(condition="ok"), name="unitstate_due"
            ),
            # The other half of the scan: units in an outage, to see them recover.
            models.Index(
                fields=["condition"],
                condition=~models.Q(condition="ok"),
                name="unitstate_not_ok",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.condition}"


class UnitEvent(models.Model):
    """An engine event or alarm of a unit, kept once by the sender's id: the unit's
    history of alarms and of the engine's verdicts (positions are not kept)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="events", verbose_name=_("unit")
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    external_id = models.CharField(_("sender's id"), max_length=64, blank=True)
    kind = models.CharField(_("event"), max_length=32)
    alarm = models.CharField(_("alarm"), max_length=32, blank=True)
    at = models.DateTimeField(_("at"))
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")
        indexes = [models.Index(fields=["unit", "-at"], name="unitevent_unit_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="unitevent_external_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.alarm} @ {self.at:%Y-%m-%d %H:%M}"


class OutageGroup(models.Model):
    """Many units silent together in one area or on one operator: one outage, one
    parent incident, the units' incidents under it."""

    group_by = models.CharField(_("shared"), max_length=16, choices=GroupBy.choices)
    key = models.CharField(_("area or operator"), max_length=64)
    started_at = models.DateTimeField(_("started"))
    detected_at = models.DateTimeField(_("detected"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    cause = models.ForeignKey(
        "tickets.Cause", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outage_group",
        verbose_name=_("incident"),
    )

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("mass outage")
        verbose_name_plural = _("mass outages")
        constraints = [
            models.UniqueConstraint(
                fields=["group_by", "key"],
                condition=models.Q(ended_at__isnull=True),
                name="outagegroup_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_group_by_display()} {self.key}"


class Outage(models.Model):
    """One stretch of silence of one unit: from its last contact (or fix) to the first
    valid fix after it. The unit's downtime history."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="outages", verbose_name=_("unit")
    )
    condition = models.CharField(_("kind"), max_length=16, choices=Condition.choices)
    started_at = models.DateTimeField(_("silent since"))
    detected_at = models.DateTimeField(_("detected"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    cause = models.ForeignKey(
        "tickets.Cause",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("probable cause"),
    )
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    group = models.ForeignKey(
        OutageGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outages",
        verbose_name=_("mass outage"),
    )
    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outage",
        verbose_name=_("incident"),
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        indexes = [
            models.Index(fields=["started_at"], name="outage_started"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(ended_at__isnull=True), name="outage_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.condition} since {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def downtime(self):
        return self.ended_at - self.started_at if self.ended_at else None


class SilenceRule(models.Model):
    """How long a unit may go unheard before it counts as silent, by ignition state and
    optionally by device model: a parked vehicle reports rarely and is not silent."""

    device_model = models.ForeignKey(
        DeviceModel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device model"),
        help_text=_("Empty: every model without a rule of its own."),
    )
    ignition = models.CharField(_("ignition"), max_length=8, choices=Ignition.choices)
    contact_minutes = models.PositiveIntegerField(_("silent after (minutes without contact)"))
    fix_minutes = models.PositiveIntegerField(
        _("GPS stale after (minutes in contact without a valid fix)")
    )

    class Meta:
        ordering = ["device_model_id", "ignition"]
        verbose_name = _("silence rule")
        verbose_name_plural = _("silence rules")
        constraints = [
            models.UniqueConstraint(
                fields=["device_model", "ignition"],
                condition=models.Q(device_model__isnull=False),
                name="silencerule_model_unique",
            ),
            models.UniqueConstraint(
                fields=["ignition"],
                condition=models.Q(device_model__isnull=True),
                name="silencerule_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_model or '*'} {self.ignition}"
