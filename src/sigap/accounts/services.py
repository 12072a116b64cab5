from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.db import transaction

from sigap.accounts.choices import Role
from sigap.accounts.models import ApiToken, User
from sigap.core import clock

TOKEN_PREFIX = "sgp_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return it; it is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=token_digest(raw))
    return raw


def api_token_user(raw: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    try:  # get(), not first(): the digest is unique, so no ORDER BY to build
        token = ApiToken.objects.select_related("user").get(
            digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    now = clock.now()
    # Touch at most once a minute: a busy integration must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_grant_role(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    user.__dict__.pop("roles", None)
