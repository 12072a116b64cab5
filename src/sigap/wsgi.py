import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")
_django = get_wsgi_application()

from sigap.telematics.wsgi import telemetry_first  # noqa: E402 (needs the settings above)

application = telemetry_first(_django)
