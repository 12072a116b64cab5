"""Finding tickets by what an agent types: a ticket number (`INC-000123`, `inc123`,
`123`), a plate, an IMEI, a phone number, an e-mail address, or words of the title
and description. Always among the tickets the user may see.

Identifiers come first: a query that reads as one is looked up exactly, through
indexed columns. Only when it reads as none, or names no ticket the user may see, are
its words searched in titles and descriptions: full text on PostgreSQL (the stored document
of migration 0010), containment of every word on SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from sigap.accounts.models import User
from sigap.customers.models import Contact, Unit, Vehicle
from sigap.customers.validators import normalise_imei, normalise_phone, normalise_plate
from sigap.tickets.choices import NUMBER_PREFIX
from sigap.tickets.models import Ticket
from sigap.tickets.selectors import ticket_page, ticket_visible

# Tickets mix Indonesian and English: no language's stemming or stop words fits both.
SEARCH_CONFIG = "simple"
# Title (weight A) and description (weight B) as PostgreSQL stores them in a generated
# column with a GIN index (migration 0010): ranking reads it instead of rebuilding
# every match's document.
SEARCH_DOCUMENT = RawSQL('"tickets_ticket"."search_document"', [], output_field=SearchVectorField())
# Ranked results come in one list of at most this many, best first.
RANKED_LIMIT = 50

# `INC-000123`, `inc 123`, `#123`, `123`: a prefix is optional, leading zeros too.
_NUMBER = re.compile(r"#?(?:(?P<prefix>[a-z]{3})\s*-?\s*)?(?P<digits>\d{1,7})", re.IGNORECASE)
_PREFIXES = {prefix.lower(): prefix for prefix in NUMBER_PREFIX.values()}
# Only a query written like a phone number is tried as one, not any run of digits.
_PHONE_START = re.compile(r"\s*(\+|0|62)\d")


@dataclass(frozen=True)
class Terms:
    """What a query could be, each identifier in its stored spelling."""

    text: str
    numbers: tuple[str, ...] = ()
    plate: str = ""
    imei: str = ""
    phone: str = ""
    email: str = ""

    @property
    def identifies(self) -> bool:
        return bool(self.numbers or self.plate or self.imei or self.phone or self.email)

    @property
    def words(self) -> list[str]:
        return self.text.split()


def _try(normalise: Callable[[str], str], raw: str) -> str:
    try:
        return normalise(raw)
    except ValidationError:
        return ""


def _numbers(text: str) -> tuple[str, ...]:
    match = _NUMBER.fullmatch(text)
    if not match:
        return ()
    value = int(match["digits"])
    if match["prefix"] is None:
        return tuple(f"{prefix}-{value:06d}" for prefix in NUMBER_PREFIX.values())
    prefix = _PREFIXES.get(match["prefix"].lower())
    return (f"{prefix}-{value:06d}",) if prefix else ()


def _email(text: str) -> str:
    if "@" not in text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text.lower()


def search_terms(query: str) -> Terms:
    text = " ".join((query or "").split())
    return Terms(
        text=text,
        numbers=_numbers(text),
        plate=_try(normalise_plate, text),
        imei=_try(normalise_imei, text),
        phone=_try(normalise_phone, text) if _PHONE_START.match(text) else "",
        email=_email(text),
    )


def _identified(terms: Terms) -> QuerySet[Ticket]:
    """The ids of the tickets the identifiers name: one indexed lookup per way a ticket
    can carry one (its number, vehicle, unit, contact), put together with UNION.
    Joined with OR instead, PostgreSQL can use none of these indexes and walks every
    ticket newest first, testing each against all the lookups."""
    conditions: list[Q] = []
    if terms.numbers:
        conditions.append(Q(number__in=terms.numbers))
    if terms.plate:
        vehicles = Vehicle.objects.filter(plate=terms.plate).values("pk")
        installed = Unit.objects.filter(vehicle__in=vehicles).values("pk")
        conditions += [Q(vehicle__in=vehicles), Q(unit__in=installed)]
    if terms.imei:
        units = Unit.objects.filter(imei=terms.imei)
        carrying = units.filter(vehicle__isnull=False).values("vehicle")
        conditions += [Q(unit__in=units.values("pk")), Q(vehicle__in=carrying)]
    if terms.phone:
        # WhatsApp ids are the E.164 number without its "+".
        contacts = Contact.objects.filter(
            Q(phone=terms.phone) | Q(whatsapp_id=terms.phone.lstrip("+"))
        )
        conditions.append(Q(contact__in=contacts.values("pk")))
    if terms.email:
        # lower(email), and not empty: the expression and condition of the unique
        # index on contacts' addresses, so the lookup reads that index.
        contacts = (
            Contact.objects.exclude(email="")
            .alias(lower_email=Lower("email"))
            .filter(lower_email=terms.email)
        )
        conditions.append(Q(contact__in=contacts.values("pk")))
    branches = [Ticket.objects.filter(c).order_by().values("pk") for c in conditions]
    if not branches:
        return Ticket.objects.none().values("pk")
    first, *more = branches
    return first.union(*more, all=True) if more else first


def _ranks() -> bool:
    return connection.vendor == "postgresql"


def _text_search(qs: QuerySet[Ticket], terms: Terms) -> QuerySet[Ticket]:
    if _ranks():
        query = SearchQuery(terms.text, config=SEARCH_CONFIG, search_type="websearch")
        return (
            qs.alias(document=SEARCH_DOCUMENT)
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
            .order_by("-rank", "-reported_at", "-id")
        )
    for word in terms.words:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return qs.order_by("-reported_at", "-id")


class Found(StrEnum):
    NOTHING = "nothing"  # an empty query
    IDENTIFIER = "identifier"  # newest first
    TEXT = "text"  # newest first
    RANKED = "ranked"  # best match first


def _search(*, user: User, terms: Terms) -> tuple[QuerySet[Ticket], Found]:
    visible = ticket_visible(user=user)
    if not terms.text:
        return visible.none(), Found.NOTHING
    if terms.identifies:
        named = visible.filter(pk__in=_identified(terms)).order_by("-reported_at", "-id")
        # A plate or number also written in titles ("mobil B 1234 XYZ mati") is still
        # found when no linked vehicle, unit or contact carries it.
        if named.exists():
            return named, Found.IDENTIFIER
    return _text_search(visible, terms), Found.RANKED if _ranks() else Found.TEXT


def ticket_search(*, user: User, query: str) -> QuerySet[Ticket]:
    """The tickets `query` names, among those `user` may see: newest first for an
    identifier or on SQLite, best match first for words on PostgreSQL."""
    return _search(user=user, terms=search_terms(query))[0]


@dataclass(frozen=True)
class SearchPage:
    items: list[Ticket]
    next_cursor: str | None
    found: Found
    capped: bool  # ranked, and more matched than the list shows
    exact: Ticket | None  # the one ticket the query names by its number


def ticket_search_page(
    *, user: User, query: str, cursor: str | None = None, limit: int = 50
) -> SearchPage:
    """One page of `ticket_search`: keyset-paged when newest first (ValidationFailed for
    a cursor it did not hand out), else the RANKED_LIMIT best matches."""
    terms = search_terms(query)
    qs, found = _search(user=user, terms=terms)
    qs = qs.select_related("category", "organisation", "assignee")
    if found == Found.RANKED:
        items = list(qs[: RANKED_LIMIT + 1])
        page_items, next_cursor, capped = items[:RANKED_LIMIT], None, len(items) > RANKED_LIMIT
    else:
        page = ticket_page(qs, cursor=cursor, limit=limit)
        page_items, next_cursor, capped = page.items, page.next_cursor, False
    exact = None
    if found == Found.IDENTIFIER and not cursor and len(page_items) == 1 and not next_cursor:
        only = page_items[0]
        exact = only if only.number in terms.numbers else None
    return SearchPage(page_items, next_cursor, found, capped, exact)
