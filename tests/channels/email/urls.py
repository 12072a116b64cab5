"""The project's URLs with the e-mail hook mounted as src/sigap/urls.py will mount it."""

from django.urls import include, path

from sigap.urls import urlpatterns as project

urlpatterns = [
    *(p for p in project if str(p.pattern) != "hooks/email"),
    path("hooks/email", include("sigap.channels.email.urls")),
]
