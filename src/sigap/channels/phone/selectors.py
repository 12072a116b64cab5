from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from sigap.accounts.models import User
from sigap.customers import selectors as customers
from sigap.customers.models import Contact, Organisation, Vehicle
from sigap.customers.validators import normalise_imei, normalise_phone, normalise_plate
from sigap.tickets.choices import OPEN_STATUSES
from sigap.tickets.models import Ticket
from sigap.tickets.selectors import ticket_visible

PHONE_LIKE = re.compile(r"\+?[\d\s().-]+")


@dataclass(frozen=True)
class Caller:
    """Who is on the line, as far as the desk knows them."""

    phone: str  # E.164, when the query was a phone number
    contacts: list[Contact]
    organisation: Organisation | None
    vehicles: QuerySet[Vehicle]
    open_tickets: QuerySet[Ticket]


def caller_find(*, user: User, query: str) -> Caller:
    """The caller behind a phone number (`0812...`, `+62 812...`, `62812...` are one
    number), a plate or an IMEI: their contacts, organisation, vehicles and open tickets."""
    query = (query or "").strip()
    contacts: list[Contact] = []
    organisation = None
    # Only what is written like a number: phonenumbers reads letters as keypad digits,
    # so a plate would otherwise "be" a phone number.
    phone = _try(normalise_phone, query) if PHONE_LIKE.fullmatch(query) else ""
    if phone:
        digits = phone.lstrip("+")
        contacts = list(
            customers.contact_list(user=user)
            .select_related("organisation")
            .filter(Q(phone=phone) | Q(whatsapp_id=digits))
        )
        organisation = next((c.organisation for c in contacts if c.organisation_id), None)
    if organisation is None and (plate := _try(normalise_plate, query)):
        vehicle = customers.vehicle_list(user=user).select_related("organisation")
        found = vehicle.filter(plate=plate).first()
        organisation = found.organisation if found else None
    if organisation is None and (imei := _try(normalise_imei, query)):
        unit = customers.unit_list(user=user).select_related("vehicle__organisation")
        found = unit.filter(imei=imei).first()
        organisation = found.vehicle.organisation if found and found.vehicle_id else None
    if organisation is not None and not contacts:
        contacts = list(customers.contact_list(user=user).filter(organisation=organisation))
    vehicles = customers.vehicle_list(user=user).filter(organisation=organisation)
    tickets = ticket_visible(user=user).filter(status__in=OPEN_STATUSES)
    if organisation is not None:
        tickets = tickets.filter(organisation=organisation)
    elif contacts:
        tickets = tickets.filter(contact__in=contacts)
    else:
        tickets = tickets.none()
    return Caller(
        phone=phone,
        contacts=contacts,
        organisation=organisation,
        vehicles=vehicles.order_by("plate") if organisation else vehicles.none(),
        open_tickets=tickets.select_related("category").order_by("-reported_at"),
    )


def _try(normalise, value: str) -> str:
    try:
        return normalise(value)
    except ValidationError:
        return ""
