"""What a customer can ask for under "request a change", and what each one needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RequestType(models.TextChoices):
    PLATE_CHANGE = "plate_change", _("Plate change")
    OWNERSHIP_TRANSFER = "ownership_transfer", _("Ownership transfer")
    UNIT_REMOVAL = "unit_removal", _("Removal of a unit")
    UNIT_RELOCATION = "unit_relocation", _("Relocation of a unit")
    INVOICE_COPY = "invoice_copy", _("Copy of an invoice")
    USER_ACCESS = "user_access", _("User access")


@dataclass(frozen=True)
class RequestSpec:
    category: str  # tickets.seed category code
    cause: str | None  # the cause the customer states by choosing this request, if any
    summary: Promise  # one line on the chooser page
    description_label: Promise
    needs_vehicle: bool = False
    needs_document: bool = False
    takes_documents: bool = True
    new_plate: bool = False
    description_required: bool = True


REQUESTS: dict[RequestType, RequestSpec] = {
    RequestType.PLATE_CHANGE: RequestSpec(
        category="account.data_change",
        cause="plate_changed",
        summary=_("The vehicle has a new plate number. Attach the new vehicle registration."),
        description_label=_("Anything else we should know"),
        needs_vehicle=True,
        needs_document=True,
        new_plate=True,
        description_required=False,
    ),
    RequestType.OWNERSHIP_TRANSFER: RequestSpec(
        category="account.data_change",
        cause="ownership_transfer",
        summary=_(
            "The vehicle has a new owner who continues the subscription. Attach the "
            "proof of the transfer."
        ),
        description_label=_("The new owner's name and contact details"),
        needs_vehicle=True,
        needs_document=True,
    ),
    RequestType.UNIT_REMOVAL: RequestSpec(
        category="gps_unit.removal",
        cause=None,
        summary=_("Take the GPS unit out of a vehicle."),
        description_label=_("Why, and when and where the vehicle can be visited"),
        needs_vehicle=True,
    ),
    RequestType.UNIT_RELOCATION: RequestSpec(
        category="gps_unit.relocation",
        cause=None,
        summary=_("Move the GPS unit to another vehicle."),
        description_label=_("Which vehicle it moves to, and when and where"),
        needs_vehicle=True,
    ),
    RequestType.INVOICE_COPY: RequestSpec(
        category="payment.invoice",
        cause="invoice_copy",
        summary=_("Send me a copy of an invoice."),
        description_label=_("Which invoice: its number or month"),
        takes_documents=False,
    ),
    RequestType.USER_ACCESS: RequestSpec(
        category="account.access",
        cause=None,
        summary=_("Give a colleague access to the tracking application, or change it."),
        description_label=_("Who needs access (name, e-mail) and what they should be able to do"),
        takes_documents=False,
    ),
}
