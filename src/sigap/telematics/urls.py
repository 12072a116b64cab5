"""Mounted by the project at `hooks/`: `/hooks/traccar` and `/hooks/osmand`."""

from __future__ import annotations

from django.urls import path

from sigap.telematics import views

app_name = "telematics"

urlpatterns = [
    path("traccar", views.traccar, name="traccar"),
    path("osmand", views.osmand, name="osmand"),
]
