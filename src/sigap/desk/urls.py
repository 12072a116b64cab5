"""The desk, mounted at /desk/ (namespace "desk")."""

from django.urls import path

from sigap.core.views import language_switch
from sigap.desk import (
    broadcast_views,
    bulk,
    call_views,
    dashboard_views,
    kpi_views,
    queue_views,
    ticket_views,
    views,
)
from sigap.desk.canned_views import canned_get, canned_list
from sigap.desk.search_views import search

app_name = "desk"

urlpatterns = [
    path("", queue_views.queue, name="home"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("kpi/", kpi_views.kpi_scorecard, name="kpi"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("kpi/<slug:code>/tickets/", kpi_views.kpi_tickets, name="kpi_tickets"),
    path("reports/monthly/", kpi_views.monthly_report, name="monthly_report"),
    path("broadcasts/", broadcast_views.broadcast_list, name="broadcasts"),
    path("broadcasts/new/", broadcast_views.broadcast_new, name="broadcast_new"),
    path("broadcasts/<int:broadcast_id>/", broadcast_views.broadcast_page, name="broadcast"),
    path(
        "broadcasts/<int:broadcast_id>/send/", broadcast_views.broadcast_go, name="broadcast_send"
    ),
    path(
        "broadcasts/<int:broadcast_id>/cancel/",
        broadcast_views.broadcast_stop,
        name="broadcast_cancel",
    ),
    path("search/", search, name="search"),
    path("tickets/<str:number>/", ticket_views.ticket, name="ticket"),
    path("tickets/<str:number>/comment/", ticket_views.ticket_comment, name="comment"),
    path("tickets/<str:number>/canned/", canned_list, name="canned_list"),
    path("tickets/<str:number>/canned/<int:reply_id>/", canned_get, name="canned_get"),
    path("tickets/<str:number>/act/<slug:name>/", ticket_views.ticket_act, name="act"),
    path(
        "tickets/<str:number>/escalations/<int:escalation_id>/acknowledge/",
        ticket_views.escalation_acknowledge,
        name="acknowledge",
    ),
    path("calls/new/", call_views.call_new, name="call_new"),
    path("calls/caller/", call_views.call_caller, name="call_caller"),
    path("calls/causes/", call_views.call_causes, name="call_causes"),
    path("calls/", call_views.call_log, name="call_log"),
    path("language/", language_switch, {"home": "desk:home"}, name="language"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
