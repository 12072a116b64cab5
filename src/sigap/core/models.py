from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    OK = "ok", _("Done")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    """The record of one background run (a sweep, an import): what ran, when, for how
    long, what it did and, when it failed, why. Written by `core.jobs.job_run`."""

    name = models.CharField(_("job"), max_length=64, db_index=True)
    started_at = models.DateTimeField(_("started"))
    seconds = models.FloatField(_("duration (seconds)"))
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices)
    counts = models.JSONField(_("what it did"), default=dict, blank=True)
    acted = models.BooleanField(
        _("did something"), default=False, help_text=_("Any of its counts above zero.")
    )
    error = models.TextField(_("error"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
        help_text=_("Empty when the worker ran it."),
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("background run")
        verbose_name_plural = _("background runs")
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M:%S} {self.status}"
