"""A span of time as people read it, in the active language."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _


def duration_text(amount: timedelta) -> str:
    """'2 d 3 h 5 min', '3 h 5 min' or '5 min'."""
    minutes = max(0, int(amount.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h %(minutes)d min") % {
            "days": days,
            "hours": hours,
            "minutes": minutes,
        }
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
