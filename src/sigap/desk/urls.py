"""The desk, mounted at /desk/ (namespace "desk")."""

from django.urls import path

from sigap.core.views import language_switch
from sigap.desk import queue_views, ticket_views, views

app_name = "desk"

urlpatterns = [
    path("", queue_views.queue, name="home"),
    path("tickets/<str:number>/", ticket_views.ticket, name="ticket"),
    path("tickets/<str:number>/comment/", ticket_views.ticket_comment, name="comment"),
    path("language/", language_switch, {"home": "desk:home"}, name="language"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
