from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from sigap.customers.choices import Language, SubscriptionStatus, TerminationReason, Tier


class Organisation(models.Model):
    """A fleet customer of the tracking provider."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=100,
        blank=True,
        help_text=_("Unknown senders from this domain are matched to this organisation."),
    )
    region = models.CharField(_("region"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Contact(models.Model):
    """A person at an organisation who writes, calls or messages the desk. A sender the
    desk did not know yet is an unverified contact, without an organisation until an
    agent places them (or their e-mail domain does)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True, db_index=True)
    whatsapp_id = models.CharField(_("WhatsApp id"), max_length=32, blank=True, db_index=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )
    status_updates = models.BooleanField(
        _("status updates"),
        default=False,
        help_text=_(
            "Tell this contact when their tickets are being worked on, resolved or closed, "
            "through the channel they wrote in."
        ),
    )
    is_verified = models.BooleanField(_("verified"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="contact_email_unique",
                violation_error_message=_("A contact with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="vehicles",
        verbose_name=_("organisation"),
    )
    plate = models.CharField(
        _("plate number"), max_length=16, unique=True, help_text=_("Normalised, e.g. B 1234 XYZ.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["plate"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return self.plate


class DeviceModel(models.Model):
    vendor = models.CharField(_("vendor"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    is_legacy = models.BooleanField(
        _("legacy"), default=False, help_text=_("An old device type, known to stop updating.")
    )
    min_firmware = models.CharField(_("minimum firmware"), max_length=32, blank=True)

    class Meta:
        ordering = ["vendor", "name"]
        verbose_name = _("device model")
        verbose_name_plural = _("device models")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="device_model_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.name}"


class Unit(models.Model):
    """A GPS tracking unit, known by its IMEI."""

    imei = models.CharField(_("IMEI"), max_length=15, unique=True)
    device_model = models.ForeignKey(
        DeviceModel, on_delete=models.PROTECT, related_name="units", verbose_name=_("device model")
    )
    firmware = models.CharField(_("firmware"), max_length=32, blank=True)
    sim_number = models.CharField(_("SIM number"), max_length=20, blank=True)
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("current vehicle"),
    )
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    class Meta:
        ordering = ["imei"]
        verbose_name = _("GPS unit")
        verbose_name_plural = _("GPS units")

    def __str__(self) -> str:
        return self.imei


class Subscription(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("unit")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )
    termination_reason = models.CharField(
        _("termination reason"), max_length=32, choices=TerminationReason.choices, blank=True
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="subscription_ends_after_start",
                violation_error_message=_("A subscription cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="terminated") | ~models.Q(termination_reason=""),
                name="subscription_termination_has_reason",
                violation_error_message=_("A terminated subscription needs a termination reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.organisation.code}"
