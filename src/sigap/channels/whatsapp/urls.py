"""Included by the project's urls at `hooks/whatsapp`:

path("hooks/whatsapp", include("sigap.channels.whatsapp.urls")),
"""

from __future__ import annotations

from django.urls import path

from sigap.channels.whatsapp import views

urlpatterns = [
    path("", views.webhook, name="whatsapp_webhook"),
]
