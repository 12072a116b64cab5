"""A small, cheap HTTP load generator for 127.0.0.1 (standard library only).

Each client is one process with one `http.client` connection. The connection is
kept when the server allows it; gunicorn's sync workers answer `Connection: close`,
so `http.client` then reconnects for the next request, and that connect is part of
the measured latency, as it is for a real client.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import os
import statistics
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # the only host this generator ever talks to
TIMEOUT = 300.0  # seconds; the peer's REST list takes ~20 s at 100,000 tickets


@dataclass(frozen=True)
class Call:
    """One kind of request. `body` may hold `{client}` and `{n}` placeholders, so
    every request is distinct (e.g. a ticket title) at the cost of two replaces."""

    method: str
    path: str
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    expect: int = 200

    def render(self, client: int, n: int) -> tuple[bytes | None, dict[str, str]]:
        body = None
        if self.body:
            body = self.body.replace("{client}", str(client)).replace("{n}", str(n)).encode()
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Length"] = str(len(body))
        return body, headers


@dataclass
class CpuGroups:
    """CPU seconds, by who used them, over a time window."""

    ours: float = 0.0  # this benchmark and its children (load generator, gunicorn)
    database: float = 0.0  # PostgreSQL's processes
    background: float = 0.0  # everything else: someone else's job would show here


@dataclass
class LoadResult:
    duration: float
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, successful calls
    client_cpu: float = 0.0  # CPU seconds used by all client processes
    server_cpu: float = 0.0  # CPU seconds used by the server's processes
    machine_busy: float = 0.0  # share of all cores busy during the window (0..1)
    groups: CpuGroups = field(default_factory=CpuGroups)

    @property
    def rate(self) -> float:
        return self.ok / self.duration

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def _send(conn: http.client.HTTPConnection, call: Call, client: int, n: int) -> tuple[int, bytes]:
    body, headers = call.render(client, n)
    try:
        conn.request(call.method, call.path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (http.client.HTTPException, OSError):
        # A dropped keep-alive or a refused connect: one fresh retry, then report it.
        conn.close()
        conn.request(call.method, call.path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()


def _client(
    port: int, call: Call, client: int, start_at: float, end_at: float
) -> tuple[int, dict[str, int], list[float], float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    ok, n = 0, 0
    errors: dict[str, int] = {}
    latencies: list[float] = []
    cpu_before = time.process_time()
    while time.time() < start_at:
        time.sleep(0.001)
    while True:
        began = time.perf_counter()
        if time.time() >= end_at:
            break
        n += 1
        try:
            status, _ = _send(conn, call, client, n)
        except (http.client.HTTPException, OSError) as exc:
            status, key = -1, type(exc).__name__
        else:
            key = str(status)
        elapsed = time.perf_counter() - began
        if time.time() > end_at:
            break  # finished after the window closed: not counted either way
        if status == call.expect:
            ok += 1
            latencies.append(elapsed)
        else:
            errors[key] = errors.get(key, 0) + 1
    conn.close()
    return ok, errors, latencies, time.process_time() - cpu_before


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its direct children (gunicorn workers)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            pids = [pid, *(int(p) for p in fh.read().split())]
    except OSError:
        return 0.0
    return sum(_stat(p)[2] for p in pids)


def _stat(pid: int) -> tuple[str, int, float]:
    """(command name, parent pid, CPU seconds) of a process; ("", 0, 0.0) if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            text = fh.read()
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        return comm, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return "", 0, 0.0


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_snapshot() -> dict[int, tuple[str, float]]:
    """Every process's CPU seconds, tagged ours / database / background."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            comm, ppid, cpu = _stat(int(entry))
            if comm:
                stats[int(entry)] = (comm, ppid, cpu)
    me = os.getpid()
    tagged: dict[int, tuple[str, float]] = {}
    for pid, (comm, _ppid, cpu) in stats.items():
        group, parent = "background", pid
        for _ in range(64):  # walk up to init, or to us
            if parent == me:
                group = "ours"
                break
            if parent not in stats:
                break
            parent = stats[parent][1]
        if group == "background" and comm == "postgres":
            group = "database"
        tagged[pid] = (group, cpu)
    return tagged


def cpu_between(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> CpuGroups:
    groups = CpuGroups()
    for pid, (group, cpu) in after.items():
        used = cpu - before[pid][1] if pid in before else cpu  # new: started in the window
        setattr(groups, group, getattr(groups, group) + max(0.0, used))
    return groups


def machine_times() -> tuple[int, int]:
    """(busy, total) jiffies over all cores, from the first line of /proc/stat."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


def wait_for_quiet(*, threshold: float = 0.15, patience: float = 300.0) -> float:
    """Wait (up to `patience` s) until the machine is idle below `threshold` of all cores
    over one second, so a run does not share the CPU with someone else's job. Returns
    the last busy share seen."""
    deadline = time.monotonic() + patience
    while True:
        busy_before, total_before = machine_times()
        time.sleep(1.0)
        busy_after, total_after = machine_times()
        busy = (busy_after - busy_before) / max(1, total_after - total_before)
        if busy < threshold or time.monotonic() > deadline:
            return busy
        time.sleep(4.0)


def run_load(
    *, port: int, call: Call, clients: int, duration: float, server_pid: int | None = None
) -> LoadResult:
    """`clients` processes send `call` back to back for `duration` seconds."""
    ctx = multiprocessing.get_context("fork")
    start_at = time.time() + 0.3
    end_at = start_at + duration
    with ctx.Pool(clients) as pool:
        pending = pool.starmap_async(
            _client, [(port, call, c, start_at, end_at) for c in range(1, clients + 1)]
        )
        time.sleep(max(0.0, start_at - time.time()))
        server_before = _process_cpu(server_pid) if server_pid else 0.0
        busy_before, total_before = machine_times()
        snapshot = cpu_snapshot()
        time.sleep(max(0.0, end_at - time.time()))
        server_after = _process_cpu(server_pid) if server_pid else 0.0
        busy_after, total_after = machine_times()
        groups = cpu_between(snapshot, cpu_snapshot())
        parts = pending.get()
    result = LoadResult(
        duration=duration,
        server_cpu=server_after - server_before,
        machine_busy=(busy_after - busy_before) / max(1, total_after - total_before),
        groups=groups,
    )
    for ok, errors, latencies, cpu in parts:
        result.ok += ok
        result.latencies.extend(latencies)
        result.client_cpu += cpu
        for key, count in errors.items():
            result.errors[key] = result.errors.get(key, 0) + count
    return result


def sequential(
    *, port: int, call: Call, count: int, warmup: int = 5
) -> tuple[list[float], list[bytes]]:
    """Latencies (seconds) of `count` requests one after the other, after `warmup`."""
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    latencies: list[float] = []
    bodies: list[bytes] = []
    for i in range(warmup + count):
        began = time.perf_counter()
        status, body = _send(conn, call, 0, i)
        elapsed = time.perf_counter() - began
        if status != call.expect:
            raise RuntimeError(f"{call.method} {call.path} answered {status}: {body[:300]!r}")
        if i >= warmup:
            latencies.append(elapsed)
        if i == 0:
            bodies.append(body)
    conn.close()
    return latencies, bodies


def request_once(port: int, call: Call) -> bytes:
    _, bodies = sequential(port=port, call=call, count=0, warmup=1)
    return bodies[0]


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: with 3 samples p95 is the largest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    clean = [v for v in values if not math.isnan(v)]
    return statistics.median(clean) if clean else math.nan
