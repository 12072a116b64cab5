from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from sigap.api.v1 import api
from sigap.core.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("hooks/email", include("sigap.channels.email.urls")),
    path("hooks/whatsapp", include("sigap.channels.whatsapp.urls")),
    path("hooks/", include("sigap.telematics.urls")),
    path("portal/", include("sigap.portal.urls")),
    path("desk/", include("sigap.desk.urls")),
    path("vendor/", include("sigap.routing.urls")),
    path("survey/", include("sigap.comms.urls")),
]
