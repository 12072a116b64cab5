from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import connection, transaction

from sigap.accounts.choices import Role
from sigap.accounts.models import ApiToken, User
from sigap.core import clock, reference
from sigap.customers.choices import Language

TOKEN_PREFIX = "sgp_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return it; it is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=token_digest(raw))
    return raw


def _user_with_roles(pk: int) -> User | None:
    user = User.objects.filter(pk=pk).first()
    if user is not None:
        user.roles  # noqa: B018 -- read now, so the kept copy carries them
    return user


_users = reference.Rows(_user_with_roles, watch=(User, User.groups.through, Group))
_TOKEN_SQL = (
    f"SELECT t.id, t.user_id FROM {ApiToken._meta.db_table} t"
    f" JOIN {User._meta.db_table} u ON u.id = t.user_id"
    " WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
)
_touched: dict[int, datetime] = {}


def api_token_user(raw: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    # The token is checked on every call, so revoking it or deactivating its user
    # takes effect at once; the user and its roles come from this process's copy.
    # Plain SQL: the ORM took longer to build this query than the database to run it.
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [token_digest(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, user_id = row
    now = clock.now()
    # Touch at most once a minute: a busy integration must not write on every call.
    if token_id not in _touched or (now - _touched[token_id]).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        _touched[token_id] = now
    return _users.get(user_id)


def user_grant_role(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    user.__dict__.pop("roles", None)


def user_set_language(*, user: User, language: str) -> None:
    """Save the language the user reads Sigap in (also used for mail sent to them)."""
    if language not in Language.values:
        raise ValueError(f"unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
