from __future__ import annotations

from django.utils.translation import gettext as _

from sigap.core import reference
from sigap.core.errors import ValidationFailed
from sigap.sla.choices import DEFAULT_MATRIX, Level
from sigap.sla.models import PriorityRule

_matrix = reference.Table(
    lambda: {
        (r.impact, r.urgency): r.priority
        for r in PriorityRule.objects.only("impact", "urgency", "priority")
    },
    watch=(PriorityRule,),
)


def levels_check(*, impact: str, urgency: str) -> None:
    errors = {
        field: _("Choose one of: %(choices)s.") % {"choices": ", ".join(Level.values)}
        for field, value in (("impact", impact), ("urgency", urgency))
        if value not in Level.values
    }
    if errors:
        raise ValidationFailed(_("Impact and urgency are high, medium or low."), fields=errors)


def priority_for(*, impact: str, urgency: str) -> int:
    """The matrix cell for (impact, urgency); the ITIL default if an admin removed it."""
    priority = _matrix.get((impact, urgency))
    return DEFAULT_MATRIX[(impact, urgency)] if priority is None else priority


def seed_matrix(apps, schema_editor=None) -> None:
    Rule = apps.get_model("sla", "PriorityRule")
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        Rule.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})
