"""Reads for customers and assets, restricted to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from sigap.accounts.models import User
from sigap.customers.models import Contact, Organisation, Subscription, Unit, Vehicle


def _scope(qs: QuerySet, user: User, path: str) -> QuerySet:
    if user.is_support_staff:
        return qs
    if user.is_customer and user.organisation_id:
        return qs.filter(**{path: user.organisation_id})
    return qs.none()


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    return _scope(Organisation.objects.all(), user, "pk")


def contact_list(*, user: User) -> QuerySet[Contact]:
    return _scope(Contact.objects.select_related("organisation"), user, "organisation_id")


def vehicle_list(*, user: User) -> QuerySet[Vehicle]:
    return _scope(Vehicle.objects.select_related("organisation"), user, "organisation_id")


def unit_list(*, user: User) -> QuerySet[Unit]:
    return _scope(
        Unit.objects.select_related("device_model", "vehicle"), user, "vehicle__organisation_id"
    )


def subscription_list(*, user: User) -> QuerySet[Subscription]:
    return _scope(
        Subscription.objects.select_related("organisation", "unit"), user, "organisation_id"
    )
