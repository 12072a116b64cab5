from __future__ import annotations

import phonenumbers
import pytest
from django.db.models import Count

from sigap.accounts.choices import Role
from sigap.accounts.models import User
from sigap.customers.models import Contact, DeviceModel, Organisation, Subscription, Unit, Vehicle
from sigap.customers.validators import luhn_ok, normalise_plate
from sigap.demo.customers import version_key
from sigap.routing.models import SupportGroup


@pytest.mark.django_db
def test_customers_are_a_few_hundred_organisations_of_every_tier(demo):
    assert Organisation.objects.count() == 240
    tiers = dict(Organisation.objects.values_list("tier").annotate(n=Count("id")))
    assert set(tiers) == {"standard", "priority", "vip"}
    assert tiers["standard"] > tiers["priority"] > tiers["vip"]


@pytest.mark.django_db
def test_contacts_have_indonesian_phones_and_mostly_speak_indonesian(demo):
    contacts = list(Contact.objects.all())
    for contact in contacts:
        number = phonenumbers.parse(contact.phone, "ID")
        assert phonenumbers.is_valid_number_for_region(number, "ID"), contact.phone
        assert contact.whatsapp_id in ("", contact.phone.removeprefix("+"))
        assert contact.email.endswith(".example")
    english = sum(c.language == "en" for c in contacts)
    assert 0 < english < len(contacts) * 0.25


@pytest.mark.django_db
def test_plates_are_normalised_and_imeis_pass_their_check_digit(demo):
    for plate in Vehicle.objects.values_list("plate", flat=True):
        assert normalise_plate(plate) == plate
    for imei in Unit.objects.values_list("imei", flat=True):
        assert len(imei) == 15 and imei.isdigit() and luhn_ok(imei), imei


@pytest.mark.django_db
def test_device_models_include_legacy_ones_and_some_units_lag_behind_the_firmware(demo):
    assert DeviceModel.objects.filter(is_legacy=True).exists()
    assert not DeviceModel.objects.filter(min_firmware="").exists()
    behind = [
        u
        for u in Unit.objects.select_related("device_model")
        if version_key(u.firmware) < version_key(u.device_model.min_firmware)
    ]
    assert 0 < len(behind) < Unit.objects.count() * 0.2


@pytest.mark.django_db
def test_most_subscriptions_are_active_and_terminations_say_why(demo):
    by_status = dict(Subscription.objects.values_list("status").annotate(n=Count("id")))
    assert by_status["active"] > 0.8 * sum(by_status.values())
    assert by_status["ended"] > 0 and by_status["terminated"] > 0
    reasons = set(
        Subscription.objects.filter(status="terminated").values_list(
            "termination_reason", flat=True
        )
    )
    assert {"contract_ended", "vehicle_sold"} <= reasons and "" not in reasons


@pytest.mark.django_db
def test_staff_are_in_their_roles_and_groups_and_cannot_sign_in(demo):
    staff = User.objects.filter(is_superuser=False)
    assert staff.count() == 15
    assert not any(u.has_usable_password() for u in staff)
    members = {
        g.code: set(g.members.values_list("username", flat=True))
        for g in SupportGroup.objects.all()
    }
    for code in ("customer_support", "it", "marketing", "technicians"):
        assert members[code], code
    assert len(members["head_of_infrastructure"]) == 1 and len(members["vendor"]) == 1
    roles = {u.username: u.roles for u in staff}
    assert all(Role.AGENT in roles[name] for name in members["customer_support"])
    assert all(Role.SPECIALIST in roles[name] for name in members["technicians"] | members["it"])
    assert all(Role.VENDOR in roles[name] for name in members["vendor"])
    assert sum(Role.MANAGER in r for r in roles.values()) == 1
