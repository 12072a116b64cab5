from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.sla.choices import Level, Priority


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
