"""Who wrote or called: a known contact is found, a stranger becomes an unverified one."""

from __future__ import annotations

import pytest

from sigap.customers.models import Contact
from sigap.customers.services import contact_for_email, contact_for_phone
from tests.factories import ContactFactory, OrganisationFactory


@pytest.mark.django_db
def test_an_address_finds_its_contact_whatever_its_case():
    known = ContactFactory(email="Budi.Santoso@Armada.test")  # as typed in the admin
    assert contact_for_email(address=" budi.santoso@ARMADA.test ") == known
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_a_stranger_is_placed_by_the_domain_of_their_address():
    armada = OrganisationFactory(email_domain="armada.test")
    contact = contact_for_email(address="Sari@armada.test", name="Sari")
    assert contact.organisation == armada and not contact.is_verified
    assert contact.email == "sari@armada.test" and contact.name == "Sari"
    nobody = contact_for_email(address="x@gmail.test")
    assert nobody.organisation is None and nobody.name == "x@gmail.test"


@pytest.mark.django_db
def test_a_number_in_any_usual_form_finds_its_contact_and_learns_its_whatsapp_id():
    known = ContactFactory(phone="+6281234567890", whatsapp_id="")
    found = contact_for_phone(phone="0812-3456-7890", whatsapp_id="6281234567890")
    assert found == known
    known.refresh_from_db()
    assert known.whatsapp_id == "6281234567890"
