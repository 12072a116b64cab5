"""Reads of tickets, always restricted to what the user may see."""

from __future__ import annotations

import base64
import binascii
import operator
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import reference
from sigap.core.errors import NotFound, ValidationFailed
from sigap.tickets.choices import Action, CategoryKind, Sort, allowed_actions
from sigap.tickets.models import Attachment, Category, Cause, Entry, Ticket

# What each kind of user may do to a ticket it can see (staff: everything the map allows).
CUSTOMER_ACTIONS = frozenset({Action.CLOSE, Action.REOPEN})
VENDOR_ACTIONS = frozenset({Action.START, Action.PEND, Action.RESUME, Action.RESOLVE})


_categories = reference.Table(
    lambda: {c.code: c for c in Category.objects.all()}, watch=(Category,)
)
# A cause carries the categories it applies to, which cause_applies() reads.
_causes = reference.Table(
    lambda: {c.code: c for c in Cause.objects.prefetch_related("categories")},
    watch=(Cause, Cause.categories.through, Category),
)


def category_by_code(code: str) -> Category | None:
    return _categories.get(code)


def cause_by_code(code: str) -> Cause | None:
    return _causes.get(code)


def categories_active(kind: str | None = None) -> QuerySet[Category]:
    """The categories in use, for tickets of `kind` when given."""
    categories = Category.objects.filter(is_active=True).order_by("code")
    return categories.filter(kind__in=[kind, CategoryKind.BOTH]) if kind else categories


def causes_for(category: Category) -> QuerySet[Cause]:
    """The known causes offered for a category: its own and its parent's (as
    `creation.cause_applies` accepts them)."""
    return (
        Cause.objects.filter(is_active=True)
        .filter(Q(categories=category) | Q(categories=category.parent_id))
        .distinct()
        .order_by("code")
    )


def ticket_visible(*, user: User) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    if user.is_support_staff:
        return qs
    if user.is_vendor:
        return qs.filter(support_group__is_vendor=True, support_group__members=user)
    if user.is_customer and user.organisation_id:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def ticket_get(*, user: User, number: str) -> Ticket:
    """The ticket, or NotFound (also when it exists but the user may not see it)."""
    try:
        # get(), not first(): the number is unique, and first() adds an ORDER BY that
        # PostgreSQL must plan on top of the joins. No "contact": only its id is read.
        return (
            ticket_visible(user=user)
            .select_related(
                "category",
                "cause",
                "organisation",
                "vehicle",
                "unit",
                "support_group",
                "assignee",
            )
            .get(number=number.upper())
        )
    except Ticket.DoesNotExist:
        raise NotFound(_("There is no ticket %(number)s.") % {"number": number}) from None


def ticket_timeline(*, user: User, ticket: Ticket) -> QuerySet[Entry]:
    entries = ticket.entries.select_related("actor").order_by("at", "id")
    if not user.is_support_staff:
        entries = entries.filter(public=True)
    return entries


def attachments_visible(*, user: User, ticket: Ticket) -> QuerySet[Attachment]:
    """Files on the ticket's public timeline entries; `ticket` must be one the user may see."""
    entries = ticket_timeline(user=user, ticket=ticket).filter(public=True)
    return Attachment.objects.filter(ticket=ticket, entry__in=entries.values("pk"))


def actions_permitted(*, user: User) -> frozenset[Action]:
    """The actions this user may take on tickets it can see, whatever their status."""
    if user.is_support_staff:
        return frozenset(Action)
    if user.is_vendor:
        return VENDOR_ACTIONS
    return CUSTOMER_ACTIONS if user.is_customer else frozenset()


def ticket_actions_for(*, user: User, ticket: Ticket) -> list[Action]:
    """What the user can do to this ticket now: its status allows it and so does their role."""
    permitted = actions_permitted(user=user)
    return [a for a in allowed_actions(ticket.status) if a in permitted]


@dataclass(frozen=True)
class TicketFilters:
    kind: str | None = None
    status: list[str] | None = None
    priority: list[int] | None = None
    category: str | None = None
    organisation: str | None = None
    channel: str | None = None
    reported_from: datetime | None = None
    reported_to: datetime | None = None


def ticket_filter(qs: QuerySet[Ticket], filters: TicketFilters) -> QuerySet[Ticket]:
    """One filter set for the API and the desk."""
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.priority:
        qs = qs.filter(priority__in=filters.priority)
    if filters.category:
        code = filters.category
        qs = qs.filter(Q(category__code=code) | Q(category__code__startswith=code + "."))
    if filters.organisation:
        qs = qs.filter(organisation__code=filters.organisation)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.reported_from:
        qs = qs.filter(reported_at__gte=filters.reported_from)
    if filters.reported_to:
        qs = qs.filter(reported_at__lt=filters.reported_to)
    return qs


# Each order's keys, (field, descending); the last is the id, so the order is total.
SORT_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {
    Sort.NEWEST: (("reported_at", True), ("id", True)),
    Sort.OLDEST: (("reported_at", False), ("id", False)),
    Sort.PRIORITY: (("priority", False), ("reported_at", True), ("id", True)),
    Sort.ACTIVITY: (("updated_at", True), ("id", True)),
}
_DATETIMES = frozenset({"reported_at", "updated_at"})


def _encode_cursor(ticket: Ticket, sort: str) -> str:
    values = [getattr(ticket, name) for name, _descending in SORT_KEYS[sort]]
    parts = [v.isoformat() if isinstance(v, datetime) else str(v) for v in values]
    # Newest first keeps the cursor it always had: clients may hold one.
    raw = "|".join(parts if sort == Sort.NEWEST else [sort, *parts]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> list:
    keys = SORT_KEYS[sort]
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = raw.split("|")
        if sort != Sort.NEWEST and parts.pop(0) != sort:
            raise ValueError(sort)
        if len(parts) != len(keys):
            raise ValueError(raw)
        return [
            datetime.fromisoformat(part) if name in _DATETIMES else int(part)
            for (name, _descending), part in zip(keys, parts, strict=True)
        ]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationFailed(
            _("The cursor is not one this API handed out."), fields={"cursor": cursor}
        ) from None


def _after(sort: str, values: list) -> Q:
    """The rows after the cursor's in this order: on the first key that differs, past it."""
    keys = SORT_KEYS[sort]
    branches = []
    for i, (name, descending) in enumerate(keys):
        same = {k: v for (k, _d), v in zip(keys[:i], values[:i], strict=True)}
        past = {f"{name}__{'lt' if descending else 'gt'}": values[i]}
        branches.append(Q(**same, **past))
    return reduce(operator.or_, branches)


@dataclass(frozen=True)
class TicketPage:
    items: list[Ticket]
    next_cursor: str | None


def ticket_list(
    *,
    user: User,
    filters: TicketFilters,
    cursor: str | None = None,
    limit: int = 50,
    sort: str = Sort.NEWEST,
) -> TicketPage:
    """In the order `sort`, keyset-paginated: page N costs what page 1 does."""
    qs = ticket_filter(ticket_visible(user=user), filters).select_related(
        "category", "organisation"
    )
    return ticket_page(qs, cursor=cursor, limit=limit, sort=sort)


def ticket_page(
    qs: QuerySet[Ticket], *, cursor: str | None, limit: int, sort: str = Sort.NEWEST
) -> TicketPage:
    """One page of `qs` in the order `sort` (newest first unless told), keyset-paginated
    on that order's keys: page N costs what page 1 does. ValidationFailed for a cursor
    this did not hand out for the same order."""
    if cursor:
        qs = qs.filter(_after(sort, _decode_cursor(cursor, sort)))
    ordering = [f"-{name}" if descending else name for name, descending in SORT_KEYS[sort]]
    items = list(qs.order_by(*ordering)[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = _encode_cursor(items[-1], sort) if more else None
    return TicketPage(items=items, next_cursor=next_cursor)
