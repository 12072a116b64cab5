"""Each computed KPI of the scorecard against figures worked out by hand, for January
2022 in Jakarta (UTC+7): 00:00 on 1 January and 23:59 on 31 January count, although
the first is still 2021 in UTC and the second already February's eve; the next day
does not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from sigap.accounts.choices import Role
from sigap.customers.choices import SubscriptionStatus, TerminationReason
from sigap.kpi.choices import Source
from sigap.kpi.realisations import realisation
from sigap.tickets.models import Attachment, Category, Cause, Ticket
from sigap.tickets.services import (
    ticket_call,
    ticket_cancel,
    ticket_comment,
    ticket_reopen,
    ticket_resolve,
)
from tests.desk.helpers import at
from tests.factories import (
    AttachmentFactory,
    CategoryFactory,
    SubscriptionFactory,
    TicketFactory,
    UserFactory,
)

WIB = dt.timezone(dt.timedelta(hours=7))
JAN = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 1, 31)}
FIRST_MOMENT = dt.datetime(2022, 1, 1, 0, 0, tzinfo=WIB)
LAST_MINUTE = dt.datetime(2022, 1, 31, 23, 59, tzinfo=WIB)
DAY_AFTER = dt.datetime(2022, 2, 1, 0, 0, tzinfo=WIB)
DAY_BEFORE = dt.datetime(2021, 12, 31, 23, 59, tzinfo=WIB)


def wib(day: int, hour: int = 9, minute: int = 0, month: int = 1) -> dt.datetime:
    return dt.datetime(2022, month, day, hour, minute, tzinfo=WIB)


def log(moment: dt.datetime, code: str, kind: str = "incident", **fields) -> Ticket:
    with at(moment):
        return TicketFactory(kind=kind, category=Category.objects.get(code=code), **fields)


def resolve(ticket: Ticket, moment: dt.datetime, summary: str = "Done.") -> Ticket:
    cause = None
    if ticket.kind == "incident":
        cause = Cause.objects.filter(categories=ticket.category).order_by("code").first()
    with at(moment):
        return ticket_resolve(
            ticket=ticket,
            by=None,
            resolution_code="resolved_remotely",
            summary=summary,
            cause=cause,
        )


def cancel(ticket: Ticket) -> None:
    ticket_cancel(ticket=ticket, by=None, reason="Sent twice.")


def pks(tickets) -> set[int]:
    return set(tickets.values_list("pk", flat=True))


@pytest.fixture
def agent_user(db):
    return UserFactory(role=Role.AGENT)


# Complaints about the support service per day


@pytest.mark.django_db
def test_complaints_per_day_count_jakarta_days_and_leave_out_cancelled_ones():
    parent = Category.objects.get(code="other.support_service")
    CategoryFactory(code="other.support_service.rude", parent=parent, kind="incident")
    first = log(FIRST_MOMENT, "other.support_service")
    last = log(LAST_MINUTE, "other.support_service")
    sub = log(wib(15), "other.support_service.rude")
    cancel(log(wib(16), "other.support_service"))
    log(DAY_BEFORE, "other.support_service")
    log(DAY_AFTER, "other.support_service")
    log(wib(17), "other.general")

    found = realisation(Source.SUPPORT_COMPLAINTS, **JAN)

    assert found.value == Decimal("0.10")  # 3 complaints / 31 days = 0.0967...
    assert found.detail == {"count": 3, "days": 31}
    assert pks(found.tickets) == {first.pk, last.pk, sub.pk}
    assert "3" in found.basis and "31 days" in found.basis


@pytest.mark.django_db
def test_a_period_without_complaints_has_none_per_day():
    found = realisation(
        Source.SUPPORT_COMPLAINTS, start=dt.date(2022, 3, 1), end=dt.date(2022, 3, 2)
    )
    assert found.value == Decimal("0.00")
    assert found.detail == {"count": 0, "days": 2}


@pytest.mark.django_db
def test_one_day_is_a_period_of_its_own():
    for _ in range(5):
        log(wib(10, 12), "other.support_service")
    found = realisation(
        Source.SUPPORT_COMPLAINTS, start=dt.date(2022, 1, 10), end=dt.date(2022, 1, 10)
    )
    assert found.value == Decimal("5.00")


# Average resolution time


@pytest.fixture
def resolved_incidents(db):
    four_hours = resolve(
        log(dt.datetime(2021, 12, 31, 20, tzinfo=WIB), "gps_unit.not_updating"), FIRST_MOMENT
    )
    day = resolve(log(wib(30, 23, 59), "gps_unit.not_updating"), LAST_MINUTE)
    two_hours = resolve(log(wib(10, 8), "gps_unit.not_updating"), wib(10, 10))
    resolve(log(wib(31, 10), "gps_unit.not_updating"), DAY_AFTER)  # resolved in February
    resolve(log(wib(5), "gps_unit.removal", "request"), wib(6))  # a request
    log(wib(7), "gps_unit.not_updating")  # still open
    return four_hours, day, two_hours


def test_resolution_time_averages_calendar_hours_of_incidents_resolved_in_the_period(
    resolved_incidents,
):
    four_hours, day, two_hours = resolved_incidents

    found = realisation(Source.RESOLUTION_TIME, **JAN)

    assert found.value == Decimal("10.00")  # (4 + 24 + 2) / 3
    # Sorted 2, 4, 24: the median is 4; the 90th percentile is 4 + 0.8 x (24 - 4).
    # In office hours (Monday to Friday 08-17): Friday evening to New Year's Day is
    # none, Sunday night to Monday night is Monday's 9, Monday 08-10 is 2.
    assert found.detail == {
        "count": 3,
        "time_basis": "calendar",
        "calendar_average": 10.0,
        "working_average": 3.67,
        "p50_hours": 4.0,
        "p90_hours": 20.0,
    }
    assert list(found.tickets) == [day, four_hours, two_hours]  # the slowest first
    assert "3" in found.basis and "in calendar time" in found.basis


def test_resolution_time_in_working_hours_is_what_a_working_kpi_scores(resolved_incidents):
    four_hours, day, two_hours = resolved_incidents

    found = realisation(Source.RESOLUTION_TIME, **JAN, time_basis="working")

    assert found.value == Decimal("3.67")
    # Sorted 0, 2, 9: the median is 2; the 90th percentile is 2 + 0.8 x (9 - 2).
    assert found.detail["p50_hours"] == 2.0
    assert found.detail["p90_hours"] == 7.6
    assert found.detail["calendar_average"] == 10.0
    assert list(found.tickets) == [day, two_hours, four_hours]
    assert "working time on the SLA calendar" in found.basis


@pytest.mark.django_db
def test_reopening_forgets_the_working_time_and_resolving_again_counts_it_anew():
    ticket = resolve(log(wib(10, 8), "gps_unit.not_updating"), wib(10, 10))
    assert ticket.resolution_working_time == dt.timedelta(hours=2)
    with at(wib(10, 11)):
        ticket = ticket_reopen(ticket=ticket, by=None, reason="Still silent.")
    assert ticket.resolution_working_time is None
    ticket = resolve(ticket, wib(11, 9))  # Monday 08:00 to Tuesday 09:00: 9 + 1 hours
    assert ticket.resolution_working_time == dt.timedelta(hours=10)
    found = realisation(Source.RESOLUTION_TIME, **JAN, time_basis="working")
    assert found.value == Decimal("10.00")


@pytest.mark.django_db
def test_resolution_time_without_resolved_incidents_is_not_measured():
    log(wib(7), "gps_unit.not_updating")
    found = realisation(Source.RESOLUTION_TIME, **JAN)
    assert found.value is None
    assert found.basis == "No incidents were resolved in the period."
    assert not found.tickets.exists()


@pytest.mark.django_db
def test_the_median_of_two_incidents_lies_between_them():
    resolve(log(wib(3, 8), "gps_unit.not_updating"), wib(3, 9))
    resolve(log(wib(4, 8), "gps_unit.not_updating"), wib(4, 11))
    found = realisation(Source.RESOLUTION_TIME, **JAN)
    assert found.value == Decimal("2.00")
    assert found.detail["p50_hours"] == 2.0
    assert found.detail["p90_hours"] == 2.8


# Complaints fully documented


@pytest.mark.django_db
def test_documented_share_and_the_incidents_a_manager_has_to_complete():
    complete = resolve(log(wib(3), "gps_unit.not_updating"), FIRST_MOMENT + dt.timedelta(days=3))
    no_cause = resolve(log(wib(4), "gps_unit.not_updating"), wib(4, 12))
    blank = resolve(log(wib(5), "gps_unit.not_updating"), LAST_MINUTE)
    no_code = resolve(log(wib(6), "gps_unit.not_updating"), wib(6, 12))
    outside = resolve(log(wib(31), "gps_unit.not_updating"), DAY_AFTER)
    # As history imported from the old system may hold them: Sigap's own resolve
    # refuses an incident without its cause, code or summary.
    Ticket.objects.filter(pk__in=[no_cause.pk, outside.pk]).update(cause=None)
    Ticket.objects.filter(pk=blank.pk).update(resolution_summary="   ")
    Ticket.objects.filter(pk=no_code.pk).update(resolution_code="")

    found = realisation(Source.DOCUMENTED, **JAN)

    assert found.value == Decimal("25.00")  # 1 of 4
    assert pks(found.tickets) == {no_cause.pk, blank.pk, no_code.pk}
    assert complete.pk not in pks(found.tickets)
    assert found.detail == {
        "count": 4,
        "documented": 1,
        "missing": {"cause": 1, "resolution_code": 1, "resolution_summary": 1},
    }


@pytest.mark.django_db
def test_documented_without_resolved_incidents_is_not_measured():
    resolve(log(wib(5), "account.data_change", "request"), wib(6))
    found = realisation(Source.DOCUMENTED, **JAN)
    assert found.value is None
    assert found.basis == "No incidents were resolved in the period."


# Customer documents stored


@pytest.mark.django_db
def test_documents_stored_counts_data_changes_with_a_real_document():
    stored = log(FIRST_MOMENT, "account.data_change", "request")
    AttachmentFactory(ticket=stored, filename="stnk.pdf")
    mail_only = log(LAST_MINUTE, "account.data_change", "request", channel="email")
    # Every e-mailed ticket carries the message itself: it is not the customer's document.
    AttachmentFactory(ticket=mail_only, filename="message.eml", content_type="message/rfc822")
    nothing = log(wib(10), "account.data_change", "request")
    refused = log(wib(11), "account.data_change", "request")
    too_big = AttachmentFactory(ticket=refused, filename="ktp.jpg", content_type="image/jpeg")
    Attachment.objects.filter(pk=too_big.pk).update(refused="larger than the limit")
    cancel(log(wib(12), "account.data_change", "request"))
    AttachmentFactory(ticket=log(DAY_AFTER, "account.data_change", "request"))
    log(wib(13), "gps_unit.removal", "request")

    found = realisation(Source.DOCUMENTS_STORED, **JAN)

    assert found.value == Decimal("25.00")  # 1 of 4
    assert found.detail == {"count": 4, "stored": 1}
    assert pks(found.tickets) == {mail_only.pk, nothing.pk, refused.pk}


@pytest.mark.django_db
def test_documents_stored_without_data_changes_is_not_measured():
    cancel(log(wib(12), "account.data_change", "request"))
    found = realisation(Source.DOCUMENTS_STORED, **JAN)
    assert found.value is None
    assert found.basis == "No data-change requests were reported in the period."


# First response time


def reply(ticket: Ticket, moment: dt.datetime, by) -> None:
    with at(moment):
        ticket_comment(ticket=ticket, by=by, body="We are on it.", public=True)


@pytest.mark.django_db
def test_first_response_averages_minutes_to_the_desks_first_reply(agent_user):
    ten = log(FIRST_MOMENT, "gps_unit.not_updating", channel="email")
    reply(ten, FIRST_MOMENT + dt.timedelta(minutes=10), agent_user)
    reply(ten, FIRST_MOMENT + dt.timedelta(minutes=50), agent_user)  # not the first
    thirty = log(LAST_MINUTE, "account.data_change", "request", channel="whatsapp")
    reply(thirty, LAST_MINUTE + dt.timedelta(minutes=30), agent_user)  # in February: counts
    twenty = log(wib(15), "payment.invoice", "request", channel="phone")
    with at(wib(15, 9, 20)):
        ticket_call(ticket=twenty, by=agent_user, summary="Explained the invoice.")
    waiting = log(wib(20), "gps_unit.not_updating", channel="email")
    with at(wib(20, 9, 5)):
        ticket_comment(ticket=waiting, by=agent_user, body="Checking.", public=False)
        ticket_comment(ticket=waiting, by=None, body="Any news?", public=True)
    cancel(log(wib(21), "gps_unit.not_updating"))  # not waiting for anyone
    reply(log(DAY_BEFORE, "gps_unit.not_updating"), FIRST_MOMENT, agent_user)
    reply(log(DAY_AFTER, "gps_unit.not_updating"), DAY_AFTER, agent_user)

    found = realisation(Source.FIRST_RESPONSE, **JAN)

    assert found.value == Decimal("20.00")  # (10 + 30 + 20) / 3
    assert found.detail == {
        "count": 3,
        "unanswered": 1,
        "time_basis": "calendar",
        "by_channel": {"email": 10.0, "phone": 20.0, "whatsapp": 30.0},
        # New Year's Day and Chinese New Year (1 February) are holidays; Saturday
        # morning is open: 0, 0 and 20 working minutes.
        "calendar_average": 20.0,
        "working_average": 6.67,
        "p50_minutes": 20.0,
        "p90_minutes": 28.0,
    }
    assert list(found.tickets) == [thirty, twenty, ten]  # the slowest first
    assert "3" in found.basis and "1" in found.basis

    working = realisation(Source.FIRST_RESPONSE, **JAN, time_basis="working")

    assert working.value == Decimal("6.67")
    assert working.detail["by_channel"] == {"email": 0.0, "phone": 20.0, "whatsapp": 0.0}
    assert (working.detail["p50_minutes"], working.detail["p90_minutes"]) == (0.0, 16.0)
    assert working.tickets.first() == twenty


@pytest.mark.django_db
def test_first_response_with_nobody_answered_yet_is_not_measured():
    log(wib(20), "gps_unit.not_updating")
    log(wib(21), "gps_unit.not_updating")
    found = realisation(Source.FIRST_RESPONSE, **JAN)
    assert found.value is None
    assert found.basis == "None of the 2 tickets reported in the period has been answered yet."
    assert found.detail == {"count": 0, "unanswered": 2}


@pytest.mark.django_db
def test_first_response_without_tickets_is_not_measured():
    found = realisation(Source.FIRST_RESPONSE, **JAN)
    assert found.value is None
    assert found.basis == "No tickets were reported in the period."


# Customer retention


def subscription(starts: dt.date, ends: dt.date | None = None, reason: str = ""):
    status = SubscriptionStatus.ACTIVE
    if ends is not None:
        status = SubscriptionStatus.TERMINATED if reason else SubscriptionStatus.ENDED
    return SubscriptionFactory(
        starts_on=starts, ends_on=ends, status=status, termination_reason=reason
    )


@pytest.mark.django_db
def test_retention_keeps_the_subscriptions_active_on_the_first_day_and_after_the_last():
    d = dt.date
    subscription(d(2021, 6, 1))  # kept
    subscription(d(2022, 1, 1))  # starts on the first day: kept
    subscription(d(2021, 6, 1), d(2022, 2, 1))  # ends after the period: kept
    subscription(d(2021, 6, 1), d(2022, 1, 15), TerminationReason.CONTRACT_ENDED)
    subscription(d(2021, 5, 1), d(2022, 1, 20), TerminationReason.CONTRACT_ENDED)
    subscription(d(2021, 6, 1), d(2022, 1, 1), TerminationReason.VEHICLE_SOLD)
    # Its last day is the period's: it is lost now, or else it would be lost in no period.
    subscription(d(2021, 6, 1), d(2022, 1, 31), TerminationReason.OTHER)
    subscription(d(2022, 1, 10))  # started inside: not in the count
    subscription(d(2021, 1, 1), d(2021, 12, 31), TerminationReason.VEHICLE_SOLD)  # gone before

    found = realisation(Source.RETENTION, **JAN)

    assert found.value == Decimal("42.86")  # 3 of 7
    assert found.tickets is None
    detail = found.detail
    assert (detail["active_at_start"], detail["kept"], detail["lost"]) == (7, 3, 4)
    assert detail["started"] == 1
    assert [(t["reason"], t["count"]) for t in detail["terminations"]] == [
        ("contract_ended", 2),
        ("other", 1),
        ("vehicle_sold", 1),
    ]
    assert detail["terminations"][0]["label"] == "Contract ended (moved to another vendor)"


@pytest.mark.django_db
def test_retention_without_subscriptions_at_the_start_is_not_measured():
    subscription(dt.date(2022, 1, 10))
    found = realisation(Source.RETENTION, **JAN)
    assert found.value is None
    assert found.basis == "No subscription was active at the start of the period."
    assert found.detail["started"] == 1


# Reports made


@pytest.mark.django_db
def test_reports_made_for_data_changes_and_removals_resolved_in_the_period():
    first = resolve(log(wib(1, 0, 0), "account.data_change", "request"), FIRST_MOMENT)
    last = resolve(log(wib(30), "account.data_change", "request"), LAST_MINUTE)
    emptied = resolve(log(wib(3), "gps_unit.removal", "request"), wib(4))
    blank = resolve(log(wib(5), "gps_unit.removal", "request"), wib(6))
    Ticket.objects.filter(pk=emptied.pk).update(resolution_summary="")
    Ticket.objects.filter(pk=blank.pk).update(resolution_summary="  ")
    resolve(log(wib(31), "account.data_change", "request"), DAY_AFTER)
    resolve(log(wib(7), "gps_unit.installation", "request"), wib(8))
    log(wib(9), "gps_unit.removal", "request")  # still open

    found = realisation(Source.REPORTS_MADE, **JAN)

    assert found.value == Decimal("50.00")  # 2 of 4
    assert found.detail == {"count": 4, "reported": 2}
    assert pks(found.tickets) == {emptied.pk, blank.pk}
    assert {first.pk, last.pk}.isdisjoint(pks(found.tickets))


@pytest.mark.django_db
def test_reports_made_without_such_requests_is_not_measured():
    found = realisation(Source.REPORTS_MADE, **JAN)
    assert found.value is None
    assert found.basis == "No data-change or unit-removal requests were resolved in the period."


# What Sigap does not record yet, and what it never computes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "basis"),
    [
        (Source.NPS, "No surveys are recorded for the period."),
        (Source.NOTICES_REACHED, "No notices are recorded for the period."),
    ],
)
def test_a_period_without_surveys_or_notices_has_no_figure_for_them(source, basis):
    found = realisation(source, **JAN)
    assert (found.value, found.basis, found.tickets, found.detail) == (None, basis, None, {})


@pytest.mark.parametrize("source", [Source.MANUAL, "bogus"])
def test_a_kpi_entered_by_hand_is_not_computed(source):
    with pytest.raises(ValueError):
        realisation(source, **JAN)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        realisation(Source.SUPPORT_COMPLAINTS, start=dt.date(2022, 2, 1), end=dt.date(2022, 1, 1))


# Set-based: the number of queries does not grow with the tickets. A median and 90th
# percentile take one more query on PostgreSQL, two on SQLite (one each).


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "queries", "percentiles"),
    [
        (Source.SUPPORT_COMPLAINTS, 2, False),
        (Source.RESOLUTION_TIME, 1, True),
        (Source.DOCUMENTED, 1, False),
        (Source.DOCUMENTS_STORED, 2, False),
        (Source.FIRST_RESPONSE, 1, True),
        (Source.RETENTION, 2, False),
        (Source.REPORTS_MADE, 2, False),
    ],
)
def test_each_realisation_takes_a_few_queries_whatever_the_tickets(
    source, queries, percentiles, agent_user, django_assert_num_queries
):
    if percentiles:
        queries += 1 if connection.vendor == "postgresql" else 2
    for day in (3, 4, 5, 6):
        for code, kind in (
            ("other.support_service", "incident"),
            ("gps_unit.not_updating", "incident"),
            ("account.data_change", "request"),
            ("gps_unit.removal", "request"),
        ):
            ticket = log(wib(day), code, kind)
            reply(ticket, wib(day, 10), agent_user)
            if code != "other.support_service":  # no cause is listed for complaints yet
                resolve(ticket, wib(day, 11))
        subscription(dt.date(2021, 1, day))
    with django_assert_num_queries(queries):
        found = realisation(source, **JAN)
    assert found.value is not None
