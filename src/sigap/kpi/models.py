"""KPI definitions (admin-editable data, seeded with the study's Table 5) and the
realisations a manager enters for what no system measures."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sigap.kpi.choices import Direction, Scoring, Source, TimeBasis, Unit


class Kpi(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_id = models.CharField(_("name (Indonesian)"), max_length=150)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Its share of the final score, which is scaled to 100."),
    )
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    scoring = models.CharField(
        _("scoring"), max_length=16, choices=Scoring.choices, default=Scoring.MET
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "For proportional scoring: the realisation that scores 0; the score rises "
            "in proportion to the target, which scores 1."
        ),
    )
    source = models.CharField(_("realisation from"), max_length=24, choices=Source.choices)
    time_basis = models.CharField(
        _("time counted"),
        max_length=8,
        choices=TimeBasis.choices,
        default=TimeBasis.WORKING,
        help_text=_(
            "For a KPI in hours or minutes: working time on the SLA calendar (as the "
            "SLA clocks count), or calendar time. Both are shown; this one is scored."
        ),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    @property
    def name(self) -> str:
        return self.name_id if translation.get_language() == "id" else self.name_en

    def __str__(self) -> str:
        return self.name


class KpiEntry(models.Model):
    """A realisation entered by hand for one period (what no system can measure, such
    as the team's understanding of procedures and products), with who and when."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="entries", verbose_name=_("KPI")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"), help_text=_("The last day it covers."))
    value = models.DecimalField(_("realisation"), max_digits=10, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        ordering = ["-period_start", "kpi"]
        verbose_name = _("KPI realisation entered by hand")
        verbose_name_plural = _("KPI realisations entered by hand")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_start", "period_end"], name="kpi_entry_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="kpi_entry_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period_start}..{self.period_end}: {self.value}"
