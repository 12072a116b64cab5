from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sigap.routing.choices import Assignment, SupportLevel


class SupportGroup(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    level = models.CharField(_("support level"), max_length=16, choices=SupportLevel.choices)
    is_vendor = models.BooleanField(_("external vendor"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    assignment = models.CharField(
        _("assignment"), max_length=16, choices=Assignment.choices, default=Assignment.MANUAL
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("last assigned"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="support_groups",
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("support group")
        verbose_name_plural = _("support groups")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_id if translation.get_language() == "id" else self.name_en
