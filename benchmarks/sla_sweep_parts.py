"""The parts of the SLA sweep benchmark that run inside another process: Sigap's
(seed a database, time sweeps) and django-helpdesk's in its own venv (seed, time
`escalate_tickets`); `sla_sweep.py` starts them with `--part` and reads the JSON each
prints. Only the standard library is imported at the top, so the peer's interpreter
can load this file too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

NOW = datetime(2026, 1, 7, 3, 0, tzinfo=UTC)  # Wednesday 7 January 2026, 10:00 WIB
QUIET = NOW - timedelta(hours=1)  # before every planted mark: nothing is due
BATCH = 5_000
PEER_ESCALATE_DAYS = 3
# Share of the due tickets per event (the last takes the rounding).
MIX = {
    "response_warning": 0.125,
    "resolution_warning": 0.125,
    "response_breach": 0.25,
    "resolution_breach": 0.25,
    "handover": 0.15,
    "reminder": 0.10,
}


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def split(due: int) -> dict[str, int]:
    shares = {k: int(due * v) for k, v in MIX.items()}
    shares["reminder"] += due - sum(shares.values())
    return shares


# --- inside the Sigap process ---------------------------------------------------------


def _insert(model, rows: list[dict]) -> None:
    """INSERT `rows` (attname -> value; the model's defaults for the rest) with one
    executemany per batch: the ORM's bulk_create spends a minute on 100,000 tickets."""
    from django.db import connection, models

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    moments = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    adapt = connection.ops.adapt_datetimefield_value
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"
    values = [
        [
            adapt(row.get(name)) if name in moments else row.get(name, defaults[name])
            for name in defaults
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start : start + BATCH])


def _sigap_seed(args: argparse.Namespace) -> dict:
    """Plant the tickets; return the counts the sweep at NOW must report."""
    import django

    django.setup()
    from django.db import transaction

    from sigap.accounts.models import User
    from sigap.customers.models import Organisation
    from sigap.routing.choices import Assignment, EscalationKind, EscalationReason
    from sigap.routing.models import Escalation, SupportGroup
    from sigap.sla.choices import DEFAULT_MATRIX
    from sigap.sla.models import SlaPolicy
    from sigap.tickets.choices import NUMBER_PREFIX, Channel, Kind
    from sigap.tickets.models import Category, Ticket, TicketSequence

    rng = random.Random(args.seed)
    groups = {g.code: g for g in SupportGroup.objects.all()}
    first = groups["customer_support"].pk
    technicians = groups["technicians"]
    policies = {
        p.priority: p.pk for p in SlaPolicy.objects.filter(kind="", tier="", category__isnull=True)
    }
    leaves = list(Category.objects.filter(parent__isnull=False).select_related("support_group"))
    second = {  # categories whose second line is another group than first line
        k: [c for c in leaves if c.allows(k) and c.support_group and c.support_group.level != "l1"]
        for k in Kind.values
    }
    first_only = {
        k: [c for c in leaves if c.allows(k) and c.support_group_id == first] for k in Kind.values
    }
    plan = split(args.due)
    events = [e for e, n in plan.items() for _ in range(n)] + ["future"] * (args.tickets - args.due)
    rng.shuffle(events)
    stale = set(rng.sample([i for i, e in enumerate(events) if e == "future"], args.stale))
    levels = ["high", "medium", "low"]
    numbers = dict.fromkeys(Kind.values, 0)
    raised = {"breach": 0, "reminder": 0}

    def after(lo_min: float, hi_min: float) -> datetime:
        return NOW + timedelta(minutes=rng.uniform(lo_min, hi_min))

    def passed() -> datetime:  # due between QUIET and NOW
        return NOW - timedelta(minutes=rng.uniform(1, 50))

    def ticket(event: str, n: int) -> dict:
        kind = rng.choice(Kind.values)
        numbers[kind] += 1
        impact, urgency = rng.choice(levels), rng.choice(levels)
        priority = DEFAULT_MATRIX[(impact, urgency)]
        if event == "future":
            second_line = rng.random() < 0.2
        else:
            second_line = event in ("resolution_warning", "reminder") or (
                event == "resolution_breach" and rng.random() < 0.2
            )
        categories = first_only[kind] if event == "resolution_breach" else second[kind]
        category = rng.choice(second[kind] if second_line else categories)
        reported = NOW - timedelta(minutes=rng.uniform(20, 5 * 24 * 60))
        t = {
            "number": f"{NUMBER_PREFIX[Kind(kind)]}-{numbers[kind]:06d}",
            "kind": kind,
            "title": f"Unit {rng.randrange(10**14, 10**15)} stopped reporting",
            "category_id": category.pk,
            "organisation_id": rng.choice(orgs),
            "channel": rng.choice(Channel.values),
            "impact": impact,
            "urgency": urgency,
            "priority": priority,
            "status": rng.choice(["new", "assigned", "in_progress"]),
            "support_group_id": category.support_group_id if second_line else first,
            "support_level": "l2" if second_line else "l1",
            "sla_policy_id": policies[priority],
            "reported_at": reported,
            "updated_at": reported,
            "first_response_at": reported + timedelta(minutes=10),
            "response_due_at": after(60, 480),
            "resolve_due_at": after(240, 10 * 24 * 60),
        }
        if second_line:
            t["status"] = rng.choice(["assigned", "in_progress"])
            t["escalated_at"] = reported + timedelta(minutes=15)
        if rng.random() < 0.4:  # not answered yet: the response clock runs
            t["first_response_at"] = None
            t["response_warn_at"] = t["response_due_at"] - timedelta(minutes=15)
        t["resolve_warn_at"] = t["resolve_due_at"] - timedelta(minutes=rng.uniform(60, 180))
        if not second_line and category.support_group_id != first:
            t["escalate_at"] = NOW + (t["resolve_warn_at"] - NOW) / 2
        if event == "response_warning":
            t["first_response_at"], t["response_warn_at"] = None, passed()
            t["response_due_at"] = NOW + timedelta(minutes=rng.uniform(1, 14))
        elif event == "response_breach":
            t["first_response_at"], t["response_warn_at"] = None, None  # warned before
            t["response_due_at"] = passed()
        elif event == "resolution_warning":
            t["resolve_warn_at"] = passed()
        elif event == "resolution_breach":
            t["resolve_warn_at"] = t["escalate_at"] = None  # warned, handed over before
            t["resolve_due_at"] = passed()
            raised["breach"] += second_line  # second line breaching: management is told
        elif event == "handover":
            t["escalate_at"] = passed()
        elif n in stale:  # open, with a passed deadline that no longer counts
            t["response_due_at"] = reported + timedelta(minutes=15)
            if t["first_response_at"] is None:
                t["response_breached"], t["response_warn_at"] = True, None
            if rng.random() < 0.5:
                t["resolve_due_at"] = NOW - timedelta(hours=rng.uniform(1, 72))
                t["resolve_warn_at"] = t["escalate_at"] = None
                if rng.random() < 0.5:
                    t["resolve_breached"] = True
                else:  # waiting for the customer: the clock is paused
                    t.update(status="pending", pending_reason="customer", sla_paused_at=reported)
        if t["first_response_at"] is not None:
            t["response_warn_at"] = None
        if second_line:  # handed to second line earlier: an escalation, maybe reminded
            due = event == "reminder"
            second_reminder = due and rng.random() < 0.2
            raised["reminder"] += second_reminder
            escalations.append(
                {
                    "ticket_id": t["number"],  # the number until the tickets have ids
                    "kind": EscalationKind.FUNCTIONAL,
                    "reason": EscalationReason.SLA,
                    "from_group_id": first,
                    "from_level": "l1",
                    "to_group_id": t["support_group_id"],
                    "to_level": "l2",
                    "at": t["escalated_at"],
                    "reminders_sent": 1 if second_reminder else 0,
                    "next_reminder_at": passed() if due else after(30, 600),
                }
            )
        return t

    started = time.perf_counter()
    with transaction.atomic():
        orgs = [
            o.pk
            for o in Organisation.objects.bulk_create(
                Organisation(code=f"fleet-{i:03d}", name=f"Fleet {i:03d}") for i in range(50)
            )
        ]
        members = [
            User.objects.create_user(username=f"tech{i}", email=f"tech{i}@sigap.bench")
            for i in range(5)
        ]
        technicians.members.add(*members)
        SupportGroup.objects.filter(pk=technicians.pk).update(assignment=Assignment.ROUND_ROBIN)
        escalations: list[dict] = []
        _insert(Ticket, [ticket(event, n) for n, event in enumerate(events)])
        ids = dict(Ticket.objects.values_list("number", "pk"))
        for escalation in escalations:
            escalation["ticket_id"] = ids[escalation["ticket_id"]]
        _insert(Escalation, escalations)
        for kind, last in numbers.items():
            TicketSequence.objects.update_or_create(kind=kind, defaults={"last_value": last})
    counts = {
        "response_warnings": plan["response_warning"],
        "resolution_warnings": plan["resolution_warning"],
        "response_breaches": plan["response_breach"],
        "resolution_breaches": plan["resolution_breach"],
        "escalated_to_second_line": plan["handover"],
        "reminders": plan["reminder"],
        "raised_to_management": raised["breach"] + raised["reminder"],
    }
    # One task per clock and event with tickets, one for the reminders, one per
    # batch of escalations (hand-overs; management for breaches; for reminders).
    tasks = sum(1 for k, v in counts.items() if v and ("warn" in k or "breach" in k))
    tasks += sum(bool(n) for n in (plan["reminder"], plan["handover"], *raised.values()))
    return {
        "expected": {"counts": counts, "tasks": tasks},
        "tickets": Ticket.objects.count(),
        "escalations": Escalation.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


class _Statements:
    """Counts the SQL statements a call runs and the time spent in the driver."""

    def __init__(self) -> None:
        self.count, self.seconds, self.each = 0, 0.0, []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t0
            self.count += 1
            self.seconds += spent
            self.each.append((spent, " ".join(sql.split())[:160]))


def _timed(call, *args):
    from django.db import connection

    statements = _Statements()
    with connection.execute_wrapper(statements):
        t0 = time.perf_counter()
        result = call(*args)
        elapsed = time.perf_counter() - t0
    return result, elapsed * 1000, statements


def _fail(message: str) -> None:
    sys.stderr.write(f"FAILED: {message}\n")
    sys.exit(3)


def _sigap_run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from huey.contrib.djhuey import HUEY

    from sigap.core import reference
    from sigap.routing.models import Escalation
    from sigap.sla.models import SlaBreach
    from sigap.sla.seed import OFFICE
    from sigap.sla.selectors import calendar_get
    from sigap.sla.sweep import sweep
    from sigap.tickets.models import Entry

    def sweep_in_worker(moment: datetime):
        # As in the task consumer a minute after its last sweep: modules imported long
        # ago, every per-process copy (groups, calendars) older than its TTL, reloaded.
        reference.clear_all()
        return sweep(moment)

    expect = json.loads(args.expect)
    expected = expect["counts"]
    quiet = []
    for n in range(args.quiet_calls + 1):
        done, ms, statements = _timed(sweep_in_worker if n else sweep, QUIET)
        if any(done.counts().values()):
            _fail(f"sweep at NOW - 1 h found something due: {done.counts()}")
        quiet.append((ms, statements))
        calendar_get(OFFICE)  # imports `holidays`, as a worker has done long before
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    done, ms, statements = _timed(sweep_in_worker, NOW)
    if profiler is not None:
        profiler.disable()
    if done.counts() != expected:
        _fail(f"sweep at NOW counted {done.counts()}, planted {expected}")
    again, again_ms, _ = _timed(sweep_in_worker, NOW)
    if any(again.counts().values()):
        _fail(f"a second sweep at NOW found more: {again.counts()}")
    rows = {
        "breach records": SlaBreach.objects.count(),
        "SLA timeline entries": Entry.objects.filter(kind="sla").count(),
        "hand-over timeline entries": Entry.objects.filter(action="escalate").count(),
        "new escalations": Escalation.objects.filter(at=NOW).count(),
        "queued tasks": HUEY.pending_count(),
    }
    want = {
        "breach records": expected["response_breaches"] + expected["resolution_breaches"],
        "SLA timeline entries": sum(v for k, v in expected.items() if "warn" in k or "breach" in k),
        "hand-over timeline entries": expected["escalated_to_second_line"],
        "new escalations": expected["escalated_to_second_line"] + expected["raised_to_management"],
        "queued tasks": expect["tasks"],
    }
    if rows != want:
        _fail(f"the sweep wrote {rows}, expected {want}")
    if profiler is not None:
        _report_profile(profiler, statements)
    quiet_ms = [m for m, _ in quiet[1:]]
    return {
        "due ms": ms,
        "due statements": statements.count,
        "due driver ms": statements.seconds * 1000,
        "quiet ms": statistics.median(quiet_ms),
        "quiet statements": statistics.median(st.count for _, st in quiet[1:]),
        "quiet driver ms": statistics.median(st.seconds * 1000 for _, st in quiet[1:]),
        "quiet first ms": quiet[0][0],
        "again ms": again_ms,
        "counts": done.counts(),
        "rows": rows,
    }


def _report_profile(profiler, statements: _Statements) -> None:
    import io
    import pstats

    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    sys.stderr.write(out.getvalue())
    sys.stderr.write(f"\n{statements.count} statements, {statements.seconds * 1000:.1f} ms:\n")
    for spent, sql in statements.each:
        sys.stderr.write(f"  {spent * 1000:8.2f} ms  {sql}\n")


# --- inside the peer's process (its own venv) -----------------------------------------


def _peer_setup() -> None:
    sys.path.insert(0, os.getcwd())  # the peer's site/
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerdesk.settings")
    import django

    django.setup()


def _peer_seed(args: argparse.Namespace) -> dict:
    _peer_setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from helpdesk.models import Queue, Ticket

    rng = random.Random(args.seed)
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:  # a PostgreSQL database: what setup.sh does on SQLite
        admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "admin")
    queue, _ = Queue.objects.get_or_create(
        slug="support",
        defaults=dict(
            title="Support", allow_public_submission=True, email_address="support@example.com"
        ),
    )
    queue.escalate_days = PEER_ESCALATE_DAYS
    queue.save()
    for name in ("created", "modified"):  # auto_now(_add) off for the seed only
        f = Ticket._meta.get_field(name)
        f.auto_now = f.auto_now_add = False
    now = timezone.now()
    days = timedelta(days=1)
    events = ["due"] * args.due + ["future"] * (args.tickets - args.due)
    rng.shuffle(events)
    started = time.perf_counter()
    with transaction.atomic():
        batch = []
        for n, event in enumerate(events):
            created = now - days * rng.uniform(PEER_ESCALATE_DAYS + 0.1, 30)
            last, priority = None, rng.choice([2, 3, 4, 5])
            if event == "future":  # three ways of not being due, as on a real desk
                way = n % 3
                if way == 0:  # younger than escalate_days
                    created = now - days * rng.uniform(0, PEER_ESCALATE_DAYS - 0.5)
                elif way == 1:  # escalated lately
                    last = now - days * rng.uniform(0, PEER_ESCALATE_DAYS - 0.5)
                else:  # escalated to the top already
                    last, priority = created + days, 1
            batch.append(
                Ticket(
                    title=f"Unit {rng.randrange(10**14, 10**15)} stopped reporting",
                    queue=queue,
                    created=created,
                    modified=last or created,
                    submitter_email=f"driver{rng.randrange(5000)}@example.com",
                    assigned_to=admin if rng.random() < 0.5 else None,
                    status=rng.choice([1, 2]),  # open, reopened
                    priority=priority,
                    last_escalation=last,
                    description="The unit has not sent a position since this morning.",
                )
            )
            if len(batch) == BATCH:
                Ticket.objects.bulk_create(batch)
                batch.clear()
        Ticket.objects.bulk_create(batch)
    return {
        "tickets": Ticket.objects.count(),
        "due": len(_peer_due()),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _peer_due() -> list[int]:
    """The tickets `escalate_tickets` would take now, by its own rule (no exclusion days)."""
    from django.db.models import Q
    from django.utils import timezone
    from helpdesk.models import Ticket

    cutoff = timezone.now() - timedelta(days=PEER_ESCALATE_DAYS)
    return list(
        Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES, queue__escalate_days__gt=0)
        .exclude(priority=1)
        .filter(Q(on_hold__isnull=True) | Q(on_hold=False))
        .filter(
            Q(last_escalation__lte=cutoff) | Q(last_escalation__isnull=True, created__lte=cutoff)
        )
        .values_list("pk", flat=True)
    )


def _peer_run(args: argparse.Namespace) -> dict:
    _peer_setup()
    from benchapp.countmail import SENT
    from django.core.management import call_command
    from helpdesk.models import FollowUp, TicketChange

    due = _peer_due()
    if len(due) != args.due:
        _fail(f"the peer has {len(due)} tickets due, planted {args.due}")
    _, ms, statements = _timed(call_command, "escalate_tickets")
    followups = FollowUp.objects.filter(ticket_id__in=due).count()
    changes = TicketChange.objects.filter(followup__ticket_id__in=due).count()
    if followups != len(due) or changes != len(due) or _peer_due():
        _fail(f"escalate_tickets: {followups} follow-ups for {len(due)} due, some left due")
    mails = SENT[0]
    quiet = [_timed(call_command, "escalate_tickets") for _ in range(args.quiet_calls)]
    if SENT[0] != mails:
        _fail("escalate_tickets with nothing due sent mail")
    return {
        "due ms": ms,
        "due statements": statements.count,
        "due driver ms": statements.seconds * 1000,
        "quiet ms": statistics.median(m for _, m, _ in quiet),
        "quiet statements": statistics.median(st.count for _, _, st in quiet),
        "quiet driver ms": statistics.median(st.seconds * 1000 for _, _, st in quiet),
        "rows": {"follow-ups": followups, "ticket changes": changes, "mails built": mails},
    }


PARTS = {
    "sigap-seed": _sigap_seed,
    "sigap-run": _sigap_run,
    "peer-seed": _peer_seed,
    "peer-run": _peer_run,
}
