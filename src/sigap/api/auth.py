from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from sigap.accounts.models import User
from sigap.accounts.services import api_token_user
from sigap.core.errors import Forbidden


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
            # Answer in the user's own language unless the client asked for one.
            if "HTTP_ACCEPT_LANGUAGE" not in request.META:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return user


def require_staff(user: User) -> None:
    if not user.is_support_staff:
        raise Forbidden(_("Only support staff may do this."))
