"""Benchmark of the desk's pages: how long each answers with 100,000 tickets.

    .venv/bin/python benchmarks/desk_pages.py [--db sqlite|postgres|both] [--peer DIR]
        [--runs 3] [--requests 50] [--json FILE]

The issue's target: every page answers in under 150 ms of server time with 100,000
tickets in the database.

Sigap is served from a copy of `src/` taken at the start (others may edit the checkout
meanwhile). For every target (Sigap on SQLite, Sigap on PostgreSQL, and with `--peer`
django-helpdesk on SQLite) it seeds the tickets once (`desk_seed.py`, `peer_seed.py`),
then in each run restores that database, serves it with gunicorn (2 sync workers) on
127.0.0.1, signed in as an agent (a session cookie made by the seed), and requests
each page `--requests` times one after the other, after 5 warm-up requests. Gunicorn
closes every connection, so each request opens its own. For each page it reports the
median and p95 of two times:
- server: the request's duration as gunicorn's access log gives it (`%(D)s`, from the
  parsed request to the last byte written), which is what the target is about;
- client: from before the connect to the last byte read, on the same machine.
It prints the median over the runs (and their min-max) per page, marks each Sigap page
as meeting or missing 150 ms (server p95, median of the runs), and with `--json` writes
every run's numbers. Results and their reading: docs/benchmarks.md, "Desk pages".
"""

from __future__ import annotations

import argparse
import html
import json
import re
import secrets
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from loadgen import (
    Call,
    cpu_between,
    cpu_snapshot,
    median,
    percentile,
    request_once,
    sequential,
    wait_for_quiet,
)
from servers import PeerTarget, Server, SigapTarget, Target, _datatables_path, remove_tree
from sla_sweep import fingerprint, snapshot_src, steal

from api import DISTURBED, _fmt, log, machine, patched_src, postgres_version, table

HERE = Path(__file__).resolve().parent
TARGET_MS = 150.0  # server time, every page, 100,000 tickets
PAGE_HEADER = "X-Bench-Page"  # names the page in gunicorn's access log
# The page, the status and the request's duration in microseconds, one line each.
ACCESS_FORMAT = "%({x-bench-page}i)s %(s)s %(D)s"
# Any 32 characters do as Django's CSRF secret; sent as a browser would, so pages with
# a form do not set a new cookie on every request.
CSRF = secrets.token_hex(16)

# results[target key][metric] = one value per run
Results = dict[str, dict[str, list[float]]]


@dataclass(frozen=True)
class Page:
    label: str
    call: Call
    count: int


def _call(key: str, path: str, cookie: str, *, expect: int = 200, htmx: bool = False) -> Call:
    headers = [("Cookie", cookie), (PAGE_HEADER, key)]
    if htmx:
        headers.append(("HX-Request", "true"))
    return Call("GET", path, headers=tuple(headers), expect=expect)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def sigap_pages(target: SigapTarget, server: Server, count: int) -> list[Page]:
    """Every page an agent works from; the next page's cursor is read from page 1."""
    info = target.info
    cookie = f"sessionid={info['sessionid']}; csrftoken={CSRF}"
    queues = [
        ("queue: assigned to me", "mine"),
        ("queue: my groups", "groups"),
        ("queue: unassigned", "unassigned"),
        ("queue: breaching soon", "breaching"),
        ("queue: breached", "breached"),
        ("queue: pending", "pending"),
        ("queue: escalated to me", "escalated"),
    ]
    specs: list[tuple[str, str, int, bool]] = [
        (label, f"/desk/?queue={code}&kind=incident", 200, False) for label, code in queues
    ]
    specs.append(("queue: my groups, requests tab", "/desk/?queue=groups&kind=request", 200, False))
    rows = "/desk/?queue=groups&kind=incident"
    first = request_once(server.port, _call("probe", rows, cookie, htmx=True)).decode()
    found = re.search(r'hx-get="([^"]*cursor=[^"]*)"', first)
    if found is None:
        raise RuntimeError("the queue's first page has no next-page link")
    specs += [
        ("queue rows (htmx): my groups", rows, 200, True),
        ("queue rows (htmx): next page", html.unescape(found[1]), 200, True),
        ("ticket page", f"/desk/tickets/{info['ticket']}/", 200, False),
        ("search: ticket number (302 to it)", _search(info["ticket"]), 302, False),
        ("search: plate", _search(info["plate"]), 200, False),
        (_words("common", info), _search(info["common_words"]), 200, False),
        (_words("uncommon", info), _search(info["rare_words"]), 200, False),
        ("search: words no ticket has", _search("xylofon"), 200, False),
        ("log a call: the form", "/desk/calls/new/", 200, False),
        (
            "log a call: caller by phone (htmx)",
            f"/desk/calls/caller/?q={quote(info['phone'])}",
            200,
            True,
        ),
    ]
    return [
        Page(label, _call(_slug(label), path, cookie, expect=expect, htmx=htmx), count)
        for label, path, expect, htmx in specs
    ]


def _search(query: str) -> str:
    return "/desk/search/?" + urlencode({"q": query})


def _words(which: str, info: dict) -> str:
    phrase = info[f"{'common' if which == 'common' else 'rare'}_words"]
    share = info["matches"][phrase] / info["tickets"]
    return f"search: {which} words ({share:.1%} of tickets)"


def peer_pages(target: PeerTarget, count: int) -> list[Page]:
    """The peer's comparable staff pages. Its list is an HTML page whose table then
    fetches its rows as JSON: an agent waits for both."""
    info = target.info
    cookie = f"sessionid={info['sessionid']}; csrftoken={target.csrf}"
    open_tickets = {"status__in": [1, 2]}  # the list's default filter
    common, rare = "stopped", info["rare_word"]  # in every title; in one title
    specs: list[tuple[str, str, int]] = [
        ("list page (/tickets/)", "/tickets/", 200),
        ("list rows (its JSON, open tickets)", _datatables_path(open_tickets, 0), 200),
        ("list rows (its JSON): next page", _datatables_path(open_tickets, 50), 200),
        ("ticket page", f"/tickets/{info['ticket_id']}/", 200),
        (
            "search: ticket number (302 to it)",
            f"/tickets/?search_type=header&q={info['ticket_id']}",
            302,
        ),
        ("search: list page (/tickets/?q=)", f"/tickets/?q={rare}", 200),
        ("search: its JSON, a word every ticket has", _datatables_path({}, 0, common), 200),
        ("search: its JSON, a word one ticket has", _datatables_path({}, 0, rare), 200),
    ]
    return [
        Page(label, _call(_slug(label), path, cookie, expect=expect), count)
        for label, path, expect in specs
    ]


def _server_ms(log_path: Path, key: str, count: int) -> list[float]:
    """The last `count` durations (ms) of page `key` in the access log. Gunicorn writes
    a line once the response is sent, so the last one may come a moment late."""
    deadline = time.monotonic() + 10
    while True:
        durations = []
        if log_path.exists():
            for line in log_path.read_text().splitlines():
                page, _status, micros = line.rsplit(" ", 2)
                if page == key:
                    durations.append(int(micros) / 1000)
        if len(durations) >= count:
            return durations[-count:]
        if time.monotonic() > deadline:
            raise RuntimeError(f"{log_path} has {len(durations)} lines of {key}, not {count}")
        time.sleep(0.05)


def run_target(
    target: Target, args: argparse.Namespace, run: int
) -> tuple[dict[str, list[float]], float, dict[str, str]]:
    """One run: its metrics, the CPU (in cores) other processes took meanwhile, and
    the path of each page."""
    into: dict[str, list[float]] = defaultdict(list)
    access = target.work / f"access-{run}.log"
    access.unlink(missing_ok=True)
    target.gunicorn_args = ("--access-logfile", str(access), "--access-logformat", ACCESS_FORMAT)
    target.restore()
    server = target.start()
    started, before, stolen = time.monotonic(), cpu_snapshot(), steal()
    paths: dict[str, str] = {}
    try:
        if isinstance(target, SigapTarget):
            pages = sigap_pages(target, server, args.requests)
        else:
            pages = peer_pages(target, args.peer_requests)
        for page in pages:
            client, _ = sequential(port=server.port, call=page.call, count=page.count, warmup=5)
            client_ms = [v * 1000 for v in client]
            server_ms = _server_ms(access, dict(page.call.headers)[PAGE_HEADER], page.count)
            for name, values in (("server", server_ms), ("client", client_ms)):
                into[f"{page.label}: {name} p50 ms"].append(percentile(values, 50))
                into[f"{page.label}: {name} p95 ms"].append(percentile(values, 95))
            paths[page.label] = f"{page.call.path} (n={page.count})"
            log(
                f"    {page.label}: server p50 {percentile(server_ms, 50):.1f} / p95 "
                f"{percentile(server_ms, 95):.1f} ms, client p95 {percentile(client_ms, 95):.1f}"
            )
    finally:
        server.stop()
    noise = cpu_between(before, cpu_snapshot()).background / (time.monotonic() - started)
    into["background CPU % of a core"].append(noise * 100)
    into["CPU taken by the host (steal) %"].append(steal(stolen) * 100)
    return into, noise, paths


def summary(targets: list[Target], results: Results) -> str:
    """Per page: server p50 / p95 per target, and whether Sigap meets 150 ms (p95)."""
    labels: list[str] = []
    for target in targets:
        for metric in results[target.key]:
            label = metric.rsplit(": server p95 ms", 1)[0]
            if metric.endswith(": server p95 ms") and label not in labels:
                labels.append(label)
    sigap = [t for t in targets if isinstance(t, SigapTarget)]
    header = ["page (server time, ms: p50 / p95)", *(t.title for t in targets), "< 150 ms"]
    rows = []
    for label in labels:
        cells, measured, missed = [label], False, []
        for target in targets:
            data = results[target.key]
            p50, p95 = data.get(f"{label}: server p50 ms"), data.get(f"{label}: server p95 ms")
            cells.append(f"{_fmt(p50)} / {_fmt(p95)}" if p50 and p95 else "-")
            if target in sigap and p95:
                measured = True
                if not median(p95) < TARGET_MS:
                    missed.append(target.title.removeprefix("Sigap ").strip("()"))
        if not measured:
            cells.append("-")
        else:
            cells.append(f"**misses** ({', '.join(missed)})" if missed else "meets")
        rows.append(cells)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--peer", type=Path, help="a django-helpdesk built by peer/setup.sh")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=100_000, help="seeded tickets")
    parser.add_argument("--requests", type=int, default=50, help="timed GETs per Sigap page")
    parser.add_argument(
        "--peer-requests",
        type=int,
        default=20,
        help="timed GETs per page of the peer (its list JSON takes ~0.5 s at 100,000 tickets)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="repeat a run disturbed by other processes' CPU use up to this many times",
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--sigap-src", type=Path, help="serve sigap from this src/ (default: a copy of src/)"
    )
    parser.add_argument(
        "--sigap-patch",
        type=Path,
        action="append",
        help="apply this diff (repeatable) to a copy of src/ and measure that",
    )
    parser.add_argument("--json", type=Path, help="also write raw per-run results here")
    parser.add_argument("--workdir", type=Path, help="keep databases and logs here")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.requests < 1 or args.peer_requests < 1:
        parser.error("--runs, --requests and --peer-requests must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="sigap-bench-desk-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.sigap_patch:
        src = patched_src(work, args.sigap_patch)
    else:
        src = args.sigap_src.resolve() if args.sigap_src else snapshot_src(work)
    measured = fingerprint(src)
    log(f"Sigap: {measured}")
    targets: list[Target] = []
    for database, title in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        if args.db in (database, "both"):
            target = SigapTarget(
                key=f"sigap-{database}",
                title=f"Sigap ({title})",
                work=work / database,
                database=database,
                pg_url=args.pg_url,
                src=src,
                seed_script=HERE / "desk_seed.py",
            )
            target.seed_db, target.run_db = "sigap_desk_seed", "sigap_desk_run"
            targets.append(target)
    if args.peer:
        (work / "peer").mkdir(parents=True, exist_ok=True)
        targets.append(
            PeerTarget(
                work=work / "peer",
                peer_dir=args.peer.resolve(),
                list_requests=args.peer_requests,
                rest_requests=0,
                seed_args=("--followups", "30"),
            )
        )
    env = machine()
    if args.db != "sqlite":
        env["postgresql"] = postgres_version(args.pg_url)
    results: Results = {t.key: defaultdict(list) for t in targets}
    paths: dict[str, dict[str, str]] = {}
    started = time.monotonic()
    try:
        for target in targets:
            log(f"prepare {target.title}: migrate, seed {args.tickets:,} tickets")
            target.prepare(args.tickets)
            log(f"  {json.dumps({k: v for k, v in target.info.items() if k != 'sessionid'})}")
        for run in range(1, args.runs + 1):
            for target in targets:
                for attempt in range(args.retries + 1):
                    busy = wait_for_quiet()
                    if busy >= 0.15:
                        log(f"  the machine is {busy:.0%} busy with something else")
                    log(f"run {run}/{args.runs}{' again' if attempt else ''}: {target.title}")
                    metrics, noise, paths[target.key] = run_target(target, args, run)
                    if noise < DISTURBED:
                        break
                    log(f"  other processes took {noise:.2f} cores during the run")
                for metric, values in metrics.items():
                    results[target.key][metric].extend(values)
                results[target.key]["runs repeated because of other load"].append(attempt)
    finally:
        for target in targets:
            target.cleanup()
        if not args.workdir:
            remove_tree(work)
    print()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in env.items()))
    print(f"Sigap: {measured}")
    print(
        f"Runs: {args.runs}; {args.tickets:,} seeded tickets; gunicorn 2 sync workers; "
        f"{args.requests} sequential GETs per page after 5 warm-ups (peer: "
        f"{args.peer_requests}); total {(time.monotonic() - started) / 60:.1f} min"
    )
    print()
    print(summary(targets, results))
    print()
    print(table(targets, results))
    print()
    for target in targets:
        for label, path in paths.get(target.key, {}).items():
            print(f"  {target.title} {label}: {path[:120]}")
    print()
    for target in targets:
        if isinstance(target, SigapTarget):
            worst = {
                m.rsplit(": ", 1)[0]: median(v)
                for m, v in results[target.key].items()
                if m.endswith("server p95 ms")
            }
            missing = {k: v for k, v in worst.items() if not v < TARGET_MS}
            verdict = (
                "every page meets"
                if not missing
                else "misses on " + ", ".join(f"{k} ({v:.0f} ms)" for k, v in missing.items())
            )
            print(f"Verdict: {target.title}: {verdict} < {TARGET_MS:.0f} ms server p95")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": env,
                    "sigap": measured,
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "seeds": {
                        t.key: {k: v for k, v in t.info.items() if k != "sessionid"}
                        for t in targets
                    },
                    "paths": paths,
                    "results": {k: dict(v) for k, v in results.items()},
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
