"""Mounted by the project at `hooks/email`:
`path("hooks/email", include("sigap.channels.email.urls"))`."""

from __future__ import annotations

from django.urls import path

from sigap.channels.email import views

app_name = "email"

urlpatterns = [
    path("", views.hook, name="hook"),
]
