"""Vocabularies of unit monitoring."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Which intake a heartbeat or event came through."""

    TRACCAR = "traccar", _("Traccar")
    OSMAND = "osmand", _("OsmAnd")
    MQTT = "mqtt", _("MQTT")


class Ignition(models.TextChoices):
    ON = "on", _("Ignition on")
    OFF = "off", _("Ignition off (parked)")
    UNKNOWN = "unknown", _("Ignition not reported")


class Condition(models.TextChoices):
    """What the last scan concluded about a unit."""

    OK = "ok", _("Reporting")
    OFFLINE = "offline", _("Offline: no contact")
    GPS_STALE = "gps_stale", _("In contact, but no valid GPS fix")
    CLOCK_ERROR = "clock_error", _("Reporting with a wrong clock")
    UNSUBSCRIBED = "unsubscribed", _("Silent, subscription ended")


# The conditions that are an outage (an incident is opened for them).
OUTAGE_CONDITIONS = frozenset({Condition.OFFLINE, Condition.GPS_STALE, Condition.CLOCK_ERROR})


class Alarm(models.TextChoices):
    """Traccar's alarm names, the ones monitoring reads."""

    POWER_CUT = "powerCut", _("Power cut")
    POWER_RESTORED = "powerRestored", _("Power restored")
    REMOVING = "removing", _("Unit removed")
    TAMPERING = "tampering", _("Tampering")
    LOW_BATTERY = "lowBattery", _("Low battery")
    GPS_ANTENNA_CUT = "gpsAntennaCut", _("GPS antenna cut")
    JAMMING = "jamming", _("GPS jamming")
    OTHER = "other", _("Other alarm")


# Alarms that say someone cut the unit off: silence after one is the driver's doing.
DISCONNECT_ALARMS = frozenset({Alarm.POWER_CUT, Alarm.REMOVING, Alarm.TAMPERING})
# Alarms that say the GPS antenna was cut or jammed: no fix after one is tampering too.
GPS_ALARMS = frozenset({Alarm.GPS_ANTENNA_CUT, Alarm.JAMMING})


class EventKind(models.TextChoices):
    """Traccar's event types that monitoring keeps (positions are not kept, only state)."""

    ONLINE = "deviceOnline", _("Online")
    OFFLINE = "deviceOffline", _("Offline (engine)")
    UNKNOWN = "deviceUnknown", _("Status unknown (engine)")
    INACTIVE = "deviceInactive", _("Inactive (engine)")
    IGNITION_ON = "ignitionOn", _("Ignition on")
    IGNITION_OFF = "ignitionOff", _("Ignition off")
    ALARM = "alarm", _("Alarm")


class GroupBy(models.TextChoices):
    """What many units silent together share."""

    AREA = "area", _("Area")
    OPERATOR = "operator", _("Mobile operator")
