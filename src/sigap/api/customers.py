"""Organisations, contacts, vehicles, units and subscriptions: create, read, list, update."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from sigap.api.auth import require_staff
from sigap.core.errors import NotFound, ValidationFailed
from sigap.customers import selectors, services
from sigap.customers.choices import Language, SubscriptionStatus, TerminationReason, Tier
from sigap.customers.models import Contact, DeviceModel, Organisation, Subscription, Unit, Vehicle
from sigap.customers.validators import normalise_imei, normalise_plate

router = Router(tags=["customers"])


class OrganisationIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    tier: Tier = Tier.STANDARD
    email_domain: str = ""
    region: str = ""


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    tier: Tier | None = None
    email_domain: str | None = None
    region: str | None = None
    is_active: bool | None = None


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    tier: str
    email_domain: str
    region: str
    is_active: bool


class ContactIn(Schema):
    organisation: str = Field(description="organisation code")
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    phone: str = ""
    whatsapp_id: str = ""
    language: Language = Language.INDONESIAN


class ContactPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = None
    phone: str | None = None
    whatsapp_id: str | None = None
    language: Language | None = None


class ContactOut(Schema):
    id: int
    organisation: str
    name: str
    email: str
    phone: str
    whatsapp_id: str
    language: str


class VehicleIn(Schema):
    organisation: str
    plate: str
    description: str = ""


class VehiclePatch(Schema):
    plate: str | None = None
    description: str | None = None
    is_active: bool | None = None


class VehicleOut(Schema):
    id: int
    organisation: str
    plate: str
    description: str
    is_active: bool


class UnitIn(Schema):
    imei: str
    device_vendor: str
    device_model: str
    firmware: str = ""
    sim_number: str = ""
    vehicle: str | None = Field(None, description="plate of the vehicle it is installed in")
    installed_on: date | None = None


class UnitPatch(Schema):
    firmware: str | None = None
    sim_number: str | None = None
    vehicle: str | None = None
    installed_on: date | None = None
    removed_on: date | None = None


class UnitOut(Schema):
    id: int
    imei: str
    device_vendor: str
    device_model: str
    legacy_model: bool
    firmware: str
    sim_number: str
    vehicle: str | None
    installed_on: date | None
    removed_on: date | None


class SubscriptionIn(Schema):
    organisation: str
    imei: str
    starts_on: date
    ends_on: date | None = None


class SubscriptionPatch(Schema):
    ends_on: date | None = None
    status: SubscriptionStatus | None = None
    termination_reason: TerminationReason | None = None


class SubscriptionOut(Schema):
    id: int
    organisation: str
    imei: str
    starts_on: date
    ends_on: date | None
    status: str
    termination_reason: str


def _org_out(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "code": o.code,
        "name": o.name,
        "tier": o.tier,
        "email_domain": o.email_domain,
        "region": o.region,
        "is_active": o.is_active,
    }


def _contact_out(c: Contact) -> dict:
    return {
        "id": c.pk,
        "organisation": c.organisation.code,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "whatsapp_id": c.whatsapp_id,
        "language": c.language,
    }


def _vehicle_out(v: Vehicle) -> dict:
    return {
        "id": v.pk,
        "organisation": v.organisation.code,
        "plate": v.plate,
        "description": v.description,
        "is_active": v.is_active,
    }


def _unit_out(u: Unit) -> dict:
    return {
        "id": u.pk,
        "imei": u.imei,
        "device_vendor": u.device_model.vendor,
        "device_model": u.device_model.name,
        "legacy_model": u.device_model.is_legacy,
        "firmware": u.firmware,
        "sim_number": u.sim_number,
        "vehicle": u.vehicle.plate if u.vehicle else None,
        "installed_on": u.installed_on,
        "removed_on": u.removed_on,
    }


def _subscription_out(s: Subscription) -> dict:
    return {
        "id": s.pk,
        "organisation": s.organisation.code,
        "imei": s.unit.imei,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "status": s.status,
        "termination_reason": s.termination_reason,
    }


def _set(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


def _organisation(code: str, field: str = "organisation") -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise ValidationFailed(
            _("There is no organisation %(code)s.") % {"code": code}, fields={field: code}
        )
    return org


def _vehicle(plate: str, field: str = "vehicle") -> Vehicle:
    try:
        vehicle = Vehicle.objects.filter(plate=normalise_plate(plate)).first()
    except DjangoValidationError:  # a malformed plate is simply not found
        vehicle = None
    if vehicle is None:
        raise ValidationFailed(
            _("There is no vehicle with plate %(plate)s.") % {"plate": plate}, fields={field: plate}
        )
    return vehicle


def _found(qs, message: str, **lookup):
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound(message)
    return obj


LIMIT = Query(100, ge=1, le=500)


# organisations -------------------------------------------------------------
@router.get("/organisations", response=list[OrganisationOut])
def organisation_list(request: HttpRequest, limit: int = LIMIT, offset: int = Query(0, ge=0)):
    qs = selectors.organisation_list(user=request.auth).order_by("code")
    return [_org_out(o) for o in qs[offset : offset + limit]]


@router.post("/organisations", response={201: OrganisationOut})
def organisation_create(request: HttpRequest, payload: OrganisationIn):
    require_staff(request.auth)
    return HttpStatus(201, _org_out(services.organisation_create(**payload.dict())))


@router.get("/organisations/{code}", response=OrganisationOut)
def organisation_get(request: HttpRequest, code: str):
    qs = selectors.organisation_list(user=request.auth)
    return _org_out(_found(qs, _("There is no organisation %s.") % code, code=code))


@router.patch("/organisations/{code}", response=OrganisationOut)
def organisation_update(request: HttpRequest, code: str, payload: OrganisationPatch):
    require_staff(request.auth)
    org = _found(Organisation.objects, _("There is no organisation %s.") % code, code=code)
    return _org_out(services.organisation_update(organisation=org, **_set(payload)))


# contacts ------------------------------------------------------------------
@router.get("/contacts", response=list[ContactOut])
def contact_list(
    request: HttpRequest,
    organisation: str | None = None,
    limit: int = LIMIT,
    offset: int = Query(0, ge=0),
):
    qs = selectors.contact_list(user=request.auth).order_by("id")
    if organisation:
        qs = qs.filter(organisation__code=organisation)
    return [_contact_out(c) for c in qs[offset : offset + limit]]


@router.post("/contacts", response={201: ContactOut})
def contact_create(request: HttpRequest, payload: ContactIn):
    require_staff(request.auth)
    fields = payload.dict()
    fields["organisation"] = _organisation(fields["organisation"])
    fields["email"] = fields["email"] or ""
    return HttpStatus(201, _contact_out(services.contact_create(**fields)))


@router.get("/contacts/{contact_id}", response=ContactOut)
def contact_get(request: HttpRequest, contact_id: int):
    qs = selectors.contact_list(user=request.auth)
    return _contact_out(_found(qs, _("There is no contact %s.") % contact_id, pk=contact_id))


@router.patch("/contacts/{contact_id}", response=ContactOut)
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch):
    require_staff(request.auth)
    contact = _found(
        selectors.contact_list(user=request.auth),
        _("There is no contact %s.") % contact_id,
        pk=contact_id,
    )
    fields = _set(payload)
    if "email" in fields:
        fields["email"] = fields["email"] or ""
    return _contact_out(services.contact_update(contact=contact, **fields))


# vehicles ------------------------------------------------------------------
@router.get("/vehicles", response=list[VehicleOut])
def vehicle_list(
    request: HttpRequest,
    organisation: str | None = None,
    limit: int = LIMIT,
    offset: int = Query(0, ge=0),
):
    qs = selectors.vehicle_list(user=request.auth).order_by("plate")
    if organisation:
        qs = qs.filter(organisation__code=organisation)
    return [_vehicle_out(v) for v in qs[offset : offset + limit]]


@router.post("/vehicles", response={201: VehicleOut})
def vehicle_create(request: HttpRequest, payload: VehicleIn):
    require_staff(request.auth)
    fields = payload.dict()
    fields["organisation"] = _organisation(fields["organisation"])
    return HttpStatus(201, _vehicle_out(services.vehicle_create(**fields)))


@router.get("/vehicles/{plate}", response=VehicleOut)
def vehicle_get(request: HttpRequest, plate: str):
    vehicle = _vehicle(plate)
    _found(
        selectors.vehicle_list(user=request.auth),
        _("There is no vehicle %s.") % plate,
        pk=vehicle.pk,
    )
    return _vehicle_out(vehicle)


@router.patch("/vehicles/{plate}", response=VehicleOut)
def vehicle_update(request: HttpRequest, plate: str, payload: VehiclePatch):
    require_staff(request.auth)
    return _vehicle_out(services.vehicle_update(vehicle=_vehicle(plate), **_set(payload)))


# units ---------------------------------------------------------------------
def _unit_by_imei(request: HttpRequest, imei: str) -> Unit:
    try:
        imei = normalise_imei(imei)
    except DjangoValidationError:
        raise NotFound(_("There is no unit with IMEI %s.") % imei) from None
    return _found(
        selectors.unit_list(user=request.auth),
        _("There is no unit with IMEI %s.") % imei,
        imei=imei,
    )


def _unit_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "device_vendor" in fields:
        vendor, name = fields.pop("device_vendor"), fields.pop("device_model")
        fields["device_model"], _created = DeviceModel.objects.get_or_create(
            vendor=vendor, name=name
        )
    if "vehicle" in fields:
        fields["vehicle"] = _vehicle(fields["vehicle"]) if fields["vehicle"] else None
    return fields


@router.get("/units", response=list[UnitOut])
def unit_list(request: HttpRequest, limit: int = LIMIT, offset: int = Query(0, ge=0)):
    qs = selectors.unit_list(user=request.auth).order_by("imei")
    return [_unit_out(u) for u in qs[offset : offset + limit]]


@router.post("/units", response={201: UnitOut})
def unit_create(request: HttpRequest, payload: UnitIn):
    require_staff(request.auth)
    return HttpStatus(201, _unit_out(services.unit_create(**_unit_fields(payload.dict()))))


@router.get("/units/{imei}", response=UnitOut)
def unit_get(request: HttpRequest, imei: str):
    return _unit_out(_unit_by_imei(request, imei))


@router.patch("/units/{imei}", response=UnitOut)
def unit_update(request: HttpRequest, imei: str, payload: UnitPatch):
    require_staff(request.auth)
    unit = _unit_by_imei(request, imei)
    return _unit_out(services.unit_update(unit=unit, **_unit_fields(_set(payload))))


# subscriptions ---------------------------------------------------------------
@router.get("/subscriptions", response=list[SubscriptionOut])
def subscription_list(
    request: HttpRequest,
    organisation: str | None = None,
    status: SubscriptionStatus | None = None,
    limit: int = LIMIT,
    offset: int = Query(0, ge=0),
):
    qs = selectors.subscription_list(user=request.auth).order_by("id")
    if organisation:
        qs = qs.filter(organisation__code=organisation)
    if status:
        qs = qs.filter(status=status)
    return [_subscription_out(s) for s in qs[offset : offset + limit]]


@router.post("/subscriptions", response={201: SubscriptionOut})
def subscription_create(request: HttpRequest, payload: SubscriptionIn):
    require_staff(request.auth)
    fields = payload.dict()
    fields["organisation"] = _organisation(fields["organisation"])
    fields["unit"] = _unit_by_imei(request, fields.pop("imei"))
    return HttpStatus(201, _subscription_out(services.subscription_create(**fields)))


@router.get("/subscriptions/{subscription_id}", response=SubscriptionOut)
def subscription_get(request: HttpRequest, subscription_id: int):
    qs = selectors.subscription_list(user=request.auth)
    return _subscription_out(
        _found(qs, _("There is no subscription %s.") % subscription_id, pk=subscription_id)
    )


@router.patch("/subscriptions/{subscription_id}", response=SubscriptionOut)
def subscription_update(request: HttpRequest, subscription_id: int, payload: SubscriptionPatch):
    require_staff(request.auth)
    sub = _found(
        selectors.subscription_list(user=request.auth),
        _("There is no subscription %s.") % subscription_id,
        pk=subscription_id,
    )
    return _subscription_out(services.subscription_update(subscription=sub, **_set(payload)))
