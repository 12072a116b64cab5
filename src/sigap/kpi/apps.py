from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "sigap.kpi"
    label = "kpi"
    verbose_name = _("KPIs and reports")
