"""Writes for customers and their assets. Each normalises identifiers first."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from sigap.core.errors import Conflict, ValidationFailed
from sigap.customers.models import Contact, Organisation, Subscription, Unit, Vehicle
from sigap.customers.validators import normalise_imei, normalise_phone, normalise_plate

M = TypeVar("M", bound=models.Model)

_NORMALISERS = {
    "plate": normalise_plate,
    "imei": normalise_imei,
    "phone": normalise_phone,
    "sim_number": normalise_phone,
}


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = dict(fields)
    for name, normalise in _NORMALISERS.items():
        if out.get(name):
            try:
                out[name] = normalise(out[name])
            except ValidationError as exc:
                errors[name] = exc.messages[0]
    if out.get("email"):
        out["email"] = out["email"].strip().lower()
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return out


def _save(instance: M, fields: dict[str, Any]) -> M:
    """Apply `fields`, validate the whole row, save it: one row, all or nothing."""
    for name, value in _normalise(fields).items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(
            _("Some fields are not valid."),
            fields={k: " ".join(v) for k, v in exc.message_dict.items()},
        ) from None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a concurrent writer took the same unique value
        raise Conflict(_("This record conflicts with an existing one: %s") % exc) from None
    return instance


def organisation_create(**fields: Any) -> Organisation:
    return _save(Organisation(), fields)


def organisation_update(*, organisation: Organisation, **fields: Any) -> Organisation:
    return _save(organisation, fields)


def contact_create(**fields: Any) -> Contact:
    return _save(Contact(), fields)


def contact_update(*, contact: Contact, **fields: Any) -> Contact:
    return _save(contact, fields)


def vehicle_create(**fields: Any) -> Vehicle:
    return _save(Vehicle(), fields)


def vehicle_update(*, vehicle: Vehicle, **fields: Any) -> Vehicle:
    return _save(vehicle, fields)


def unit_create(**fields: Any) -> Unit:
    return _save(Unit(), fields)


def unit_update(*, unit: Unit, **fields: Any) -> Unit:
    return _save(unit, fields)


def subscription_create(**fields: Any) -> Subscription:
    return _save(Subscription(), fields)


def subscription_update(*, subscription: Subscription, **fields: Any) -> Subscription:
    return _save(subscription, fields)


def _by_email(address: str) -> Contact | None:
    # Plain SQL spelt like the unique index (lower(email), email not empty), so the
    # index is used and no ORM query is built on every mail taken in; then the contact
    # with its organisation and user account, which intake reads.
    with connection.cursor() as cursor:
        cursor.execute(_CONTACT_BY_EMAIL, [address])
        row = cursor.fetchone()
    if row is None:
        return None
    return Contact.objects.select_related("organisation", "user").get(pk=row[0])


_CONTACT_BY_EMAIL = (
    f"SELECT id FROM {Contact._meta.db_table} WHERE lower(email) = %s AND email <> '' LIMIT 1"
)


def contact_for_email(*, address: str, name: str = "") -> Contact:
    """The contact who writes from `address`, or a new unverified one placed in the
    organisation whose e-mail domain it is, if one is configured."""
    address = address.strip().lower()
    known = _by_email(address)
    if known is not None:
        return known
    domain = address.rpartition("@")[2]
    organisation = Organisation.objects.filter(email_domain__iexact=domain).first()
    try:
        return _save(
            Contact(is_verified=False),
            {"organisation": organisation, "name": (name or address)[:200], "email": address},
        )
    except Conflict:  # a concurrent message from the same new sender created them first
        return _by_email(address)


def contact_for_phone(
    *,
    phone: str,
    name: str = "",
    whatsapp_id: str = "",
    organisation: Organisation | None = None,
) -> Contact:
    """The contact with this WhatsApp id or phone number, or a new unverified one (of
    `organisation`, when the desk knows whose the caller is)."""
    phone = normalise_phone(phone)
    known = Contact.objects.select_related("organisation")
    contact = (whatsapp_id and known.filter(whatsapp_id=whatsapp_id).first()) or known.filter(
        phone=phone
    ).first()
    if contact is not None:
        if whatsapp_id and not contact.whatsapp_id:
            contact.whatsapp_id = whatsapp_id
            contact.save(update_fields=["whatsapp_id"])
        return contact
    return _save(
        Contact(is_verified=False, organisation=organisation),
        {"name": (name or phone)[:200], "phone": phone, "whatsapp_id": whatsapp_id},
    )
