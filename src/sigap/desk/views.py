"""Signing in and out of the desk. The pages are in `queue_views.py` and
`ticket_views.py`: thin views over the selectors and services of the other apps."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from sigap.desk.access import desk_refusal


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
