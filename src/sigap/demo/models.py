from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoLoad(models.Model):
    """The record that a demo data set was loaded: what, when, with which seed, how
    long it took and what it wrote. A second `sigap demo` finds it and stops."""

    key = models.CharField(_("data set"), max_length=64, unique=True)
    seed = models.BigIntegerField(_("seed"))
    loaded_at = models.DateTimeField(_("loaded"))
    seconds = models.FloatField(_("duration (seconds)"))
    counts = models.JSONField(_("rows loaded"), default=dict, blank=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("demo data load")
        verbose_name_plural = _("demo data loads")

    def __str__(self) -> str:
        return f"{self.key} ({self.loaded_at:%Y-%m-%d %H:%M})"
