from __future__ import annotations

import pytest
from django.utils import timezone

from sigap.accounts.models import ApiToken, User
from sigap.core import reference
from tests.conftest import api_client
from tests.factories import OrganisationFactory, UserFactory

# Changes below are made with QuerySet.update(), which sends no signal: that is how
# a change made by another process (the other gunicorn worker, the admin) looks.


@pytest.mark.django_db
def test_a_token_revoked_elsewhere_stops_working_on_the_next_call():
    client = api_client(UserFactory(role="agent"))
    assert client.get("/api/v1/tickets").status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/tickets").status_code == 401


@pytest.mark.django_db
def test_a_user_deactivated_elsewhere_is_locked_out_on_the_next_call():
    user = UserFactory(role="agent")
    client = api_client(user)
    assert client.get("/api/v1/tickets").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/tickets").status_code == 401


@pytest.mark.django_db
def test_a_role_taken_away_elsewhere_applies_once_the_kept_copy_expires(monkeypatch):
    user = UserFactory(role="agent")
    client = api_client(user)
    OrganisationFactory()
    assert len(client.get("/api/v1/organisations").json()) == 1  # staff see every customer
    user.groups.through.objects.filter(user=user).delete()  # no m2m_changed signal
    monkeypatch.setattr(reference, "TTL", 0.0)
    assert client.get("/api/v1/organisations").json() == []


@pytest.mark.django_db
def test_a_role_taken_away_here_applies_at_once():
    user = UserFactory(role="agent")
    client = api_client(user)
    OrganisationFactory()
    assert len(client.get("/api/v1/organisations").json()) == 1  # staff see every customer
    user.groups.clear()
    assert client.get("/api/v1/organisations").json() == []
