"""Named to run before the package's `demo` fixture loads the data set: this test
needs a desk the demo has not been loaded into."""

from __future__ import annotations

import pytest
from django.apps import apps

from sigap.demo.dataset import demo_load
from sigap.demo.models import DemoLoad
from sigap.demo.play import Player

SIGAP_MODELS = [
    m for c in apps.get_app_configs() if c.name.startswith("sigap.") for m in c.get_models()
]


@pytest.mark.django_db
def test_a_load_that_fails_halfway_leaves_nothing_behind(monkeypatch):
    # Fail loudly rather than skip if the test order changed and the package's demo
    # fixture already loaded the data set: this test needs an empty desk.
    assert not DemoLoad.objects.exists(), "run this module before the rest of tests/demo"
    before = {m._meta.label: m.objects.count() for m in SIGAP_MODELS}
    real_play = Player.play
    played = 0

    def play_then_fail(self, plan):
        nonlocal played
        played += 1
        if played == 25:  # customers, staff and 24 tickets are written by now
            raise RuntimeError("disk full")
        return real_play(self, plan)

    monkeypatch.setattr(Player, "play", play_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        demo_load()
    assert played == 25
    assert {m._meta.label: m.objects.count() for m in SIGAP_MODELS} == before
