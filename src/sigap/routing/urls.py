"""The vendor's page, mounted at /vendor/ (namespace "vendor"); `vendor.vendor_link`
writes the same path into the escalation e-mail."""

from django.urls import path

from sigap.routing import views

app_name = "vendor"

urlpatterns = [
    path("<str:token>/", views.vendor_escalation_page, name="escalation"),
]
