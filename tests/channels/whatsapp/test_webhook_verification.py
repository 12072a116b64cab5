"""Meta subscribes the webhook only after it echoes the challenge with our token."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.channels.whatsapp.payloads import VERIFY_TOKEN

pytestmark = pytest.mark.urls("tests.channels.whatsapp.urls")


def handshake(token: str = VERIFY_TOKEN, mode: str = "subscribe", challenge: str = "1158201444"):
    query = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
    return Client().get("/hooks/whatsapp", query)


def test_the_right_token_gets_the_challenge_back_as_plain_text():
    response = handshake()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


def test_a_wrong_token_is_refused():
    response = handshake(token="guess")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_a_request_that_is_not_a_subscription_is_a_bad_request():
    assert handshake(mode="unsubscribe").status_code == 400
    assert handshake(challenge="").status_code == 400


def test_without_a_configured_token_the_handshake_cannot_succeed(settings):
    settings.SIGAP_WHATSAPP_VERIFY_TOKEN = ""
    response = handshake(token="")
    assert response.status_code == 503
    assert "SIGAP_WHATSAPP_VERIFY_TOKEN" in response.json()["message"]


def test_other_methods_are_not_allowed():
    assert Client().put("/hooks/whatsapp").status_code == 405
