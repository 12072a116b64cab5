"""What the portal's tests and browser tests share: the portal mounted, and customers."""

from __future__ import annotations

import pytest
from django.test import Client

from sigap.accounts.choices import Role
from sigap.accounts.models import User
from sigap.customers.models import Organisation
from tests.factories import ContactFactory, OrganisationFactory, UserFactory

PASSWORD = "secret-password"


@pytest.fixture(autouse=True)
def portal_mounted(settings):
    """The app and /portal/ as the lead wires them; a no-op once settings have them."""
    if "sigap.portal" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "sigap.portal"]
    settings.ROOT_URLCONF = "tests.portal.urls"


def make_customer(organisation: Organisation | None = None, **fields) -> User:
    """A customer account with its contact, both at `organisation` (a new one if None)."""
    organisation = organisation or OrganisationFactory()
    contact = ContactFactory(organisation=organisation, language=fields.get("language", "en"))
    return UserFactory(role=Role.CUSTOMER, organisation=organisation, contact=contact, **fields)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
