from __future__ import annotations

from sigap.sla.choices import DEFAULT_MATRIX
from sigap.sla.models import PriorityRule


def priority_for(*, impact: str, urgency: str) -> int:
    """The matrix cell for (impact, urgency); the ITIL default if an admin removed it."""
    rule = PriorityRule.objects.filter(impact=impact, urgency=urgency).values_list(
        "priority", flat=True
    )
    for priority in rule:
        return priority
    return DEFAULT_MATRIX[(impact, urgency)]


def seed_matrix(apps, schema_editor=None) -> None:
    Rule = apps.get_model("sla", "PriorityRule")
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        Rule.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})
