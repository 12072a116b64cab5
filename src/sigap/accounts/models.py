from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sigap.accounts.choices import STAFF_ROLES, Role
from sigap.customers.choices import Language


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")
    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
        help_text=_("For customers: the organisation whose tickets they see."),
    )
    contact = models.OneToOneField(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("contact"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_support_staff(self) -> bool:
        """Works tickets of every organisation (superusers count as staff)."""
        return self.is_superuser or bool(self.roles & STAFF_ROLES)

    @property
    def is_vendor(self) -> bool:
        return Role.VENDOR in self.roles

    @property
    def is_customer(self) -> bool:
        return Role.CUSTOMER in self.roles


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
