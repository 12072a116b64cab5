"""The calendars Sigap starts with: the study's office hours, and 24 x 7."""

from __future__ import annotations

from datetime import time

OFFICE = "office"
ALWAYS = "always"

# The case study's desk in Jakarta: weekdays 08:00-17:00, Saturday 08:00-12:00.
OFFICE_HOURS = {day: (time(8), time(17)) for day in range(5)} | {5: (time(8), time(12))}


def seed_calendars(apps, schema_editor=None) -> None:
    Calendar = apps.get_model("sla", "BusinessCalendar")
    Hours = apps.get_model("sla", "WorkingHours")
    office, created = Calendar.objects.get_or_create(
        code=OFFICE,
        defaults={"name_en": "Office hours (Jakarta)", "name_id": "Jam kantor (Jakarta)"},
    )
    if created:
        for weekday, (opens, closes) in OFFICE_HOURS.items():
            Hours.objects.create(calendar=office, weekday=weekday, opens=opens, closes=closes)
    Calendar.objects.get_or_create(
        code=ALWAYS,
        defaults={
            "name_en": "24 x 7",
            "name_id": "24 x 7",
            "always_open": True,
            "public_holidays": False,
            "joint_leave": False,
        },
    )


# (priority, calendar, first response, resolution) in minutes of working time. The
# study's promises: the top priorities answered within 15 minutes, every ticket
# answered and restored within 1 x 24 hours unless its priority allows planning.
# Priority 1 runs round the clock: it must never wait for the office to open.
DEFAULT_POLICIES = [
    (1, ALWAYS, 15, 24 * 60),
    (2, OFFICE, 15, 24 * 60),
    (3, OFFICE, 60, 24 * 60),
    (4, OFFICE, 4 * 60, 3 * 24 * 60),
    (5, OFFICE, 8 * 60, 10 * 24 * 60),
]


def seed_policies(apps, schema_editor=None) -> None:
    Calendar = apps.get_model("sla", "BusinessCalendar")
    Policy = apps.get_model("sla", "SlaPolicy")
    for priority, calendar, response, resolve in DEFAULT_POLICIES:
        Policy.objects.get_or_create(
            kind="",
            priority=priority,
            tier="",
            category=None,
            defaults={
                "calendar": Calendar.objects.get(code=calendar),
                "response_minutes": response,
                "resolve_minutes": resolve,
            },
        )
