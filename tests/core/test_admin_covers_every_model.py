from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

from tests.factories import TicketFactory

SIGAP_APPS = [c for c in apps.get_app_configs() if c.name.startswith("sigap.")]
MODELS = [m for c in SIGAP_APPS for m in c.get_models()]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model), f"{model._meta.label} has no admin"


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_list_opens(admin_client, model):
    TicketFactory()  # so lists that show tickets and entries have a row to render
    meta = model._meta
    page = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
    assert page.status_code == 200
