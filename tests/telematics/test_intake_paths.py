"""The hooks as served in production: the lean WSGI path in front of Django, and the
group commit that lets concurrent requests share a transaction."""

from __future__ import annotations

import io
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import OperationalError

from sigap.telematics.batching import writer
from sigap.telematics.models import UnitState
from sigap.telematics.wsgi import telemetry_first
from tests.telematics.conftest import T0, TOKEN, position, subscribed_unit


def _call(app, path: str, *, method: str = "POST", body: bytes = b"", token: str = TOKEN, query=""):
    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {token}" if token else "",
        "HTTP_ACCEPT_LANGUAGE": "en",
        "wsgi.input": io.BytesIO(body),
    }
    started = {}

    def start_response(status, headers):
        started["status"], started["headers"] = status, dict(headers)

    payload = b"".join(app(environ, start_response))
    return int(started["status"].split()[0]), started["headers"], json.loads(payload or b"null")


def _django(environ, start_response):
    start_response("204 No Content", [])
    return [b""]


@pytest.mark.django_db
def test_the_lean_path_stores_a_traccar_position():
    unit = subscribed_unit()
    status, _headers, body = _call(
        telemetry_first(_django), "/hooks/traccar", body=json.dumps(position(unit, T0)).encode()
    )
    assert (status, body["stored"]) == (200, 1)
    assert UnitState.objects.get(unit=unit).last_contact_at == T0


@pytest.mark.django_db
def test_the_lean_path_refuses_like_the_views():
    app = telemetry_first(_django)
    unit = subscribed_unit()
    body = json.dumps(position(unit, T0)).encode()
    assert _call(app, "/hooks/traccar", body=body, token="nope")[0] == 403
    status, headers, answer = _call(app, "/hooks/traccar", method="GET")
    assert status == 405 and headers["Allow"] == "POST" and "POST" in answer["message"]
    status, _headers, answer = _call(app, "/hooks/traccar", body=b"{oops")
    assert status == 400 and "not valid JSON" in answer["message"]
    assert not UnitState.objects.exists()


def test_other_paths_go_to_django():
    status, _headers, _body = _call(telemetry_first(_django), "/desk/", method="GET")
    assert status == 204


@pytest.mark.django_db
def test_the_lean_path_answers_503_when_the_database_is_down(monkeypatch):
    from sigap.telematics import batching

    def down(beats):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(batching, "heartbeats_apply", down)
    unit = subscribed_unit()
    status, headers, answer = _call(
        telemetry_first(_django), "/hooks/traccar", body=json.dumps(position(unit, T0)).encode()
    )
    assert status == 503 and headers["Retry-After"] and answer["error"] == "unavailable"


# serialized_rollback: the flush after the test must give the seeded rows back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_posts_share_transactions_and_each_answer_means_stored(live_server, settings):
    settings.SIGAP_TELEMETRY_GROUP_COMMIT = True
    units = [subscribed_unit() for _ in range(40)]
    before = writer.batches

    def send(n: int) -> int:
        unit = units[n % len(units)]
        payload = position(unit, T0 + timedelta(seconds=n))
        request = urllib.request.Request(
            f"{live_server.url}/hooks/traccar",
            data=json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(send, range(200)))
    finally:
        writer.release()

    assert statuses == [200] * 200
    assert UnitState.objects.filter(last_contact_at__isnull=False).count() == 40
    newest = UnitState.objects.get(unit=units[-1]).last_contact_at
    assert newest == T0 + timedelta(seconds=199)
    assert writer.batches - before < 200  # requests waiting together shared a commit
