"""The customer portal, mounted at /portal/ (namespace "portal")."""

from django.urls import path

from sigap.core.views import language_switch
from sigap.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report_problem, name="report"),
    path("request/", views.request_chooser, name="request"),
    path("request/<slug:request_type>/", views.request_change, name="request_form"),
    path("tickets/", views.ticket_index, name="tickets"),
    path("tickets/<str:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:number>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<str:number>/confirm/", views.ticket_confirm, name="confirm"),
    path("tickets/<str:number>/reopen/", views.ticket_reopen, name="reopen"),
    path("tickets/<str:number>/files/<int:pk>/", views.attachment_download, name="attachment"),
    path("language/", language_switch, {"home": "portal:home"}, name="language"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
