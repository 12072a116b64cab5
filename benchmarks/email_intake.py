"""Benchmark of e-mail intake: messages parsed, threaded and stored per second.

    .venv/bin/python benchmarks/email_intake.py [--runs 5] [--messages 1000]

`--workers` processes (2, as gunicorn serves the hook) share the mails, each through
`sigap.channels.email.intake.take`, the function the IMAP poller, the `mail-in` pipe
and the hook all call: parse, loop
checks, threading, contact lookup, `message_receive` (ticket or entry, the raw
message and attachments written to the data dir) and, for a new ticket, queueing
the acknowledgement (on Huey's SQLite queue, not sent). The database is SQLite in
a temporary data directory (`--database-url` for another), migrated and seeded
once: `--organisations` organisations with `--contacts` contacts and `--threads`
tickets opened by mail, which replies can answer. Each run starts from that seed
(SQLite backup copy) and takes `--messages` mails, prepared before the clock
starts: new ones (plain, quoted-printable, HTML-only, with a small PDF) and
`--reply-share` replies (by In-Reply-To to a seeded thread or to a new mail of the
same run, or by subject tag). It prints one row per run and the median.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 200.0  # messages/s on SQLite on this machine (the target)
SUPPORT = "support@sigap.bench"


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def setup(work: Path, database_url: str | None) -> None:
    os.environ["SIGAP_DATA_DIR"] = str(work / "data")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{work / 'run.sqlite3'}"
    os.environ.setdefault("SIGAP_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefgh")
    os.environ["SIGAP_SUPPORT_EMAIL"] = SUPPORT
    os.environ["DJANGO_SETTINGS_MODULE"] = "sigap.settings"
    os.environ.setdefault("SIGAP_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# --- mail ---------------------------------------------------------------------

PDF = b"%PDF-1.4\n% STNK scan\n" + b"0" * 20_000 + b"\n%%EOF\n"
TEXTS = [
    "Unit {plate} tidak update sejak pukul {hour:02d}.10, posisi terakhir di pool.",
    "The unit on {plate} stopped reporting at {hour:02d}:10; the driver restarted it.",
    "Mohon nomor polisi {plate} diganti, STNK baru terlampir.",
    "Invoice bulan ini mencantumkan {hour} unit lebih banyak dari unit aktif kami.",
]


def _base(sender: str, subject: str, message_id: str, moment) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Date"] = format_datetime(moment)
    message["Message-ID"] = message_id
    return message


def new_mail(rng: random.Random, n: int, sender: str, message_id: str, moment) -> bytes:
    plate = f"B {1000 + n % 9000} {chr(65 + n % 26)}{chr(65 + (n // 26) % 26)}"
    text = rng.choice(TEXTS).format(plate=plate, hour=n % 24)
    message = _base(sender, f"Unit {plate}: laporan {n}", message_id, moment)
    shape = n % 4
    if shape == 0:
        message.set_content(text + "\n\nSalam,\nTim armada\n-- \nPT Armada\n")
    elif shape == 1:
        message.set_content(text + " Terima kasih — “segera”.\n", cte="quoted-printable")
    elif shape == 2:
        message.set_content(f"<html><body><p>{text}</p><p><b>Segera</b> ya.</p></body></html>")
        message.replace_header("Content-Type", 'text/html; charset="utf-8"')
    else:
        message.set_content(text)
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename="stnk.pdf")
    return message.as_bytes()


def reply_mail(
    sender: str, message_id: str, moment, *, in_reply_to: str = "", tag: str = ""
) -> bytes:
    subject = f"Re: [{tag}] Unit tidak update" if tag else "Re: Unit tidak update"
    message = _base(sender, subject, message_id, moment)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(
        "Masih belum update, mohon dicek lagi.\n\n"
        "Pada Sen, 5 Jan 2026 pukul 09.40 Sigap <support@sigap.bench> menulis:\n"
        "> Mohon restart unit melalui aplikasi.\n> Terima kasih.\n"
    )
    return message.as_bytes()


# --- database -------------------------------------------------------------------


def seed(rng: random.Random, args: argparse.Namespace) -> tuple[list[str], list[str], list]:
    """Organisations, contacts and tickets opened by mail. Returns the contacts'
    addresses, the seeded threads' Message-IDs and their tickets."""
    import datetime

    from django.core.management import call_command

    from sigap.channels.email.intake import take
    from sigap.customers.models import Contact, Organisation

    call_command("migrate", verbosity=0)
    orgs = Organisation.objects.bulk_create(
        Organisation(code=f"fleet-{i:03d}", name=f"Fleet {i:03d}", email_domain=f"fleet{i}.test")
        for i in range(args.organisations)
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            organisation=orgs[i % len(orgs)],
            name=f"Contact {i}",
            email=f"contact{i}@fleet{i % len(orgs)}.test",
        )
        for i in range(args.contacts)
    )
    addresses = [c.email for c in contacts]
    moment = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
    threads, tickets = [], []
    for i in range(args.threads):
        message_id = f"<seed-{i}@fleet.test>"
        received = take(
            new_mail(rng, i, rng.choice(addresses), message_id, moment),
            source="seed",
            mailbox=SUPPORT,
        )
        threads.append(message_id)
        tickets.append(received.ticket)
    return addresses, threads, tickets


def snapshot(database: Path, copy: Path) -> None:
    from django.db import connections

    connections.close_all()
    with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
        source.backup(target)


def prepare_run(rng, args, run: int, addresses, threads, tickets) -> list[bytes]:
    import datetime

    moment = datetime.datetime(2026, 1, 6, 2, 0, tzinfo=datetime.UTC)
    mails: list[bytes] = []
    heads: list[str] = []
    for n in range(args.messages):
        message_id = f"<run{run}-{n}@fleet.test>"
        sender = rng.choice(addresses)
        if rng.random() < 0.1:
            sender = f"new{run}-{n}@fleet{n % args.organisations}.test"  # unknown sender
        if rng.random() < args.reply_share:
            how = rng.random()
            if how < 0.5 or not heads:
                mails.append(
                    reply_mail(sender, message_id, moment, in_reply_to=rng.choice(threads))
                )
            elif how < 0.8:
                mails.append(reply_mail(sender, message_id, moment, in_reply_to=rng.choice(heads)))
            else:
                ticket = rng.choice(tickets)
                owner = ticket.contact.email  # a tag is only followed for its organisation
                mails.append(reply_mail(owner, message_id, moment, tag=ticket.number))
        else:
            mails.append(new_mail(rng, 10_000 * run + n, sender, message_id, moment))
            heads.append(message_id)
    return mails


def _take_share(mails: list[bytes], start, results) -> None:
    """One worker: wait for the common start, take its share, report what it saw."""
    from django.db import connections

    from sigap.channels.email.intake import take

    latencies = []
    new = replies = 0
    start.wait()
    for raw in mails:
        t0 = time.perf_counter()
        received = take(raw, source="bench", mailbox=SUPPORT)
        latencies.append(time.perf_counter() - t0)
        if received.message.entry.kind == "created":
            new += 1
        else:
            replies += 1
    connections.close_all()
    results.put((latencies, new, replies, time.perf_counter()))


def measure(mails: list[bytes], workers: int) -> dict[str, float]:
    """`workers` processes take the mails between them, as the hook's gunicorn workers
    or the task consumer would; throughput is counted over the wall clock."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    start = context.Barrier(workers + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_take_share, args=(mails[i::workers], start, results))
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    latencies: list[float] = []
    new = replies = 0
    finished = started
    for _ in processes:
        share, share_new, share_replies, done = results.get()
        latencies += share
        new += share_new
        replies += share_replies
        finished = max(finished, done)
    for process in processes:
        process.join()
        if process.exitcode:
            raise RuntimeError(f"a worker failed with exit code {process.exitcode}")
    elapsed = finished - started
    latencies.sort()
    return {
        "messages": len(mails),
        "new tickets": new,
        "replies": replies,
        "seconds": elapsed,
        "messages/s": len(mails) / elapsed,
        "p50 ms": 1000 * latencies[len(latencies) // 2],
        "p95 ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
    }


def table(rows: list[dict[str, float]]) -> str:
    columns = ["run", *rows[0]]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for i, row in enumerate(rows, 1):
        cells = [str(i)] + [
            f"{v:.0f}" if k in ("messages", "new tickets", "replies", "messages/s") else f"{v:.2f}"
            for k, v in row.items()
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=1000, help="mails taken per run")
    parser.add_argument("--reply-share", type=float, default=0.4)
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--contacts", type=int, default=500)
    parser.add_argument("--threads", type=int, default=200, help="seeded tickets opened by mail")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--workers", type=int, default=2, help="processes taking mail at once (gunicorn's 2)"
    )
    parser.add_argument("--database-url", help="default: SQLite in the work directory")
    parser.add_argument("--workdir", type=Path, help="keep the data directory here")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.messages < 1 or not 0 <= args.reply_share <= 1:
        parser.error("--runs and --messages must be >= 1, --reply-share in 0..1")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="sigap-bench-mail-"))
    work.mkdir(parents=True, exist_ok=True)
    setup(work, args.database_url)
    import django

    rng = random.Random(args.seed)
    sqlite_file = None if args.database_url else work / "run.sqlite3"
    try:
        log(f"migrate and seed ({args.contacts} contacts, {args.threads} threads)")
        addresses, threads, tickets = seed(rng, args)
        if sqlite_file:
            snapshot(sqlite_file, work / "seed.sqlite3")
        rows = []
        for run in range(1, args.runs + 1):
            if sqlite_file:
                snapshot(work / "seed.sqlite3", sqlite_file)
            mails = prepare_run(rng, args, run, addresses, threads, tickets)
            row = measure(mails, args.workers)
            log(f"run {run}/{args.runs}: {row['messages/s']:.0f} messages/s")
            rows.append(row)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    rate = statistics.median(r["messages/s"] for r in rows)
    print()
    print(
        f"Machine: {os.cpu_count()} CPUs; Python {platform.python_version()}; "
        f"Django {django.get_version()}; SQLite {sqlite3.sqlite_version}; "
        f"database {'SQLite (WAL)' if sqlite_file else 'from --database-url'}"
    )
    print(
        f"Runs: {args.runs} x {args.messages} mails ({args.reply_share:.0%} replies), "
        f"{args.workers} worker processes, "
        f"seed: {args.organisations} organisations, {args.contacts} contacts, "
        f"{args.threads} threads"
    )
    print()
    print(table(rows))
    print()
    verdict = "meets" if rate >= TARGET else "misses"
    print(f"Verdict: median {rate:.0f} messages/s ({verdict} >= {TARGET:.0f}/s)")


if __name__ == "__main__":
    main()
