"""The desk's pages: thin views over the selectors and services of the other apps."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sigap.desk.access import desk_refusal, desk_view


class DeskAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        reason = desk_refusal(user)
        if reason is not None:
            raise ValidationError(reason, code="not_desk")


class LoginView(auth_views.LoginView):
    template_name = "desk/login.html"
    authentication_form = DeskAuthenticationForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("desk:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("desk:login")


@require_GET
@desk_view
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/queue.html", {"title": _("Queues")})
