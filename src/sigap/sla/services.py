from __future__ import annotations

from sigap.core import reference
from sigap.sla.choices import DEFAULT_MATRIX
from sigap.sla.models import PriorityRule

_matrix = reference.Table(
    lambda: {
        (r.impact, r.urgency): r.priority
        for r in PriorityRule.objects.only("impact", "urgency", "priority")
    },
    watch=(PriorityRule,),
)


def priority_for(*, impact: str, urgency: str) -> int:
    """The matrix cell for (impact, urgency); the ITIL default if an admin removed it."""
    priority = _matrix.get((impact, urgency))
    return DEFAULT_MATRIX[(impact, urgency)] if priority is None else priority


def seed_matrix(apps, schema_editor=None) -> None:
    Rule = apps.get_model("sla", "PriorityRule")
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        Rule.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})
