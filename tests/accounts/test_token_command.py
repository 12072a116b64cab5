from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sigap.accounts.models import ApiToken
from tests.factories import UserFactory


@pytest.mark.django_db
def test_sigap_token_prints_a_working_token_that_is_stored_only_as_a_digest(client, agent):
    out = io.StringIO()
    call_command("token", "agent", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("sgp_")
    assert not ApiToken.objects.filter(digest=token).exists()
    assert client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


@pytest.mark.django_db
def test_a_revoked_token_or_inactive_user_no_longer_works(client):
    user = UserFactory(username="gone", role="agent")
    out = io.StringIO()
    call_command("token", "gone", stdout=out)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}
    assert client.get("/api/v1/tickets", **auth).status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/v1/tickets", **auth).status_code == 401


@pytest.mark.django_db
def test_sigap_token_for_an_unknown_user_fails_with_a_message():
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("token", "ghost")
