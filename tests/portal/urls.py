"""Sigap's URLs with the portal mounted at /portal/, for as long as sigap/urls.py does
not mount it itself (then this is the same list)."""

from django.urls import include, path

from sigap.urls import urlpatterns as sigap_urlpatterns

urlpatterns = list(sigap_urlpatterns)
if not any(getattr(p, "namespace", None) == "portal" for p in urlpatterns):
    urlpatterns.append(path("portal/", include("sigap.portal.urls")))
