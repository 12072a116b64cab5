"""The webhook at the path the project serves it from, for tests that post to it."""

from django.urls import include, path

urlpatterns = [
    path("hooks/whatsapp", include("sigap.channels.whatsapp.urls")),
]
