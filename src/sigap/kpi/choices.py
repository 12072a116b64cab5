"""The vocabularies of the KPI scorecard."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Unit(models.TextChoices):
    PER_DAY = "per_day", _("per day")
    HOURS = "hours", _("hours")
    MINUTES = "minutes", _("minutes")
    PERCENT = "percent", _("%")
    SCORE = "score", _("score (1-5)")


class TimeBasis(models.TextChoices):
    """What a KPI measured in hours or minutes counts."""

    WORKING = "working", _("Working time on the SLA calendar")
    CALENDAR = "calendar", _("Calendar time, nights and holidays included")


class Scoring(models.TextChoices):
    """How a realisation becomes a score between 0 and 1."""

    MET = "met", _("1 when the target is met, else 0 (the study's rule)")
    PROPORTIONAL = "proportional", _("In proportion between the threshold and the target")


class Source(models.TextChoices):
    """Where a KPI's realisation comes from: computed from Sigap's records, or entered
    by the manager for each period."""

    SUPPORT_COMPLAINTS = "support_complaints", _("Complaints about the support service per day")
    RESOLUTION_TIME = "resolution_time", _("Average resolution time of complaints")
    DOCUMENTED = "documented", _("Complaints fully documented")
    DOCUMENTS_STORED = "documents_stored", _("Data-change requests with their documents stored")
    FIRST_RESPONSE = "first_response", _("Average first response time")
    RETENTION = "retention", _("Customers retained (subscriptions)")
    NPS = "nps", _("Recommendation score from surveys (1-5)")
    REPORTS_MADE = "reports_made", _("Data-change and termination requests with their report")
    NOTICES_REACHED = "notices_reached", _("Customers reached by notices")
    MANUAL = "manual", _("Entered by the manager")
