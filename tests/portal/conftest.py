from __future__ import annotations

import pytest
from django.test import Client

from sigap.accounts.models import User
from tests.factories import VehicleFactory
from tests.portal.helpers import make_customer, portal_mounted, signed_in

__all__ = ["portal_mounted"]


@pytest.fixture
def customer(db) -> User:
    return make_customer(first_name="Budi", last_name="Santoso")


@pytest.fixture
def portal(customer) -> Client:
    """A browser signed in as `customer`."""
    return signed_in(customer)


@pytest.fixture
def vehicle(customer):
    return VehicleFactory(organisation=customer.organisation, plate="B 1234 XYZ")


@pytest.fixture
def stranger(db) -> User:
    """A customer of another organisation."""
    return make_customer(first_name="Other")
