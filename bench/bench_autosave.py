"""The autosave endpoint under load, against a minimal view on the same server, same run.

Run: .venv/bin/python bench/bench_autosave.py [--clients 32] [--rounds 4] [--duration 5] [--check]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and wrk
(`apt-get install -y wrk`). The script:
  1. creates a fresh database phrom_bench_autosave_<pid>, migrates it, loads th-2564 with an
     open cycle and N agencies, each with a coordinator and a response; signs each
     coordinator in by writing a session directly, and gives each client a CSRF token
     (the csrftoken cookie and the X-CSRFToken header carry the same 32-character value);
  2. starts `phrom serve` (gunicorn, sync workers, 2 x cores unless --workers) on
     127.0.0.1 with PHROM_BENCH_VIEWS=true, which routes POST /bench/minimal: a view behind
     login_required that returns {"ok": true} (the baseline: same server, same middleware,
     same sessions, same client; only the CSRF check is skipped there);
  3. checks a save, a save without the CSRF header (403) and the minimal view by hand;
  4. runs wrk with one thread and one connection per client (bench/autosave/clients.lua):
     a short warm-up of both, then --rounds runs of --duration seconds of the minimal view
     and the autosave endpoint in turn (alternating, so that a busy spell of a shared
     machine slows both). Every autosave client writes its own answer (number,
     percentage and text questions in turn), sending the version the last save returned,
     so every save must succeed;
  5. counts in the database after every autosave run and at the end: each answer's
     version, its history rows and its final value against what the client was told
     (zero lost writes);
  6. stops gunicorn and drops the database.

Targets (issue 11): autosave at least 25 % of the minimal view's throughput (requests
over all runs of each mode), autosave p99 under 100 ms (its worst run), zero lost writes,
at 32 clients. The save runs through the ORM, one way on every database; more load is met
by more application servers on one PostgreSQL. The server runs with the database OPTIONS
that phrom.core.env gives PostgreSQL (server-side binding, statements prepared after five
runs; PHROM_DB_PREPARED=false turns preparing off); the table prints them and the load
average, since a busy machine moves every latency figure.
--check exits 1 when one is missed, or a save is refused or a socket error occurs.

The client is closed-loop: each of the N clients sends its next request as soon as the
last one is answered (--think-ms adds a fixed pause: then all N send at once every period),
so latency is about N / throughput.
Gunicorn's sync workers close the connection after every response, so wrk reconnects for
each request (the connect is not part of the measured latency, the wait for a free worker is).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LUA = REPO / "bench" / "autosave" / "clients.lua"
TARGET_RATIO = 0.25
TARGET_P99_MS = 100.0
FRAMEWORK = "th-2564"
KINDS = ("number", "percentage", "text")


# --- children: run with DATABASE_URL of the bench database ----------------------------------


def child_setup(clients: int, out: Path) -> None:
    """Migrate, load th-2564 (open), N agencies with a signed-in coordinator each."""
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from phrom.accounts.models import Profile, Role
    from phrom.agencies.models import Agency, AgencyKind
    from phrom.frameworks.models import CycleStatus
    from phrom.frameworks.services import load_framework
    from phrom.frameworks.shipped import resolve_framework_path
    from phrom.responses.models import Response

    loaded = load_framework(path=resolve_framework_path(FRAMEWORK))
    cycle = loaded.cycle
    cycle.status = CycleStatus.OPEN
    cycle.save()
    # Questions a client can write a new value to every time: unconditional number (no
    # maximum), percentage and text questions, taken in turn.
    pools: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for q in loaded.spec.questions:
        kind = q.type.value
        if kind in pools and q.condition is None and q.maximum is None:
            pools[kind].append(q.code)
    User = get_user_model()
    rows = []
    for i in range(clients):
        agency = Agency.objects.create(
            code=f"bench-{i:03d}", name_th=f"หน่วยงานทดสอบ {i}", name_en=f"Bench agency {i}",
            kind=AgencyKind.DEPARTMENT,
        )
        user = User.objects.create_user(username=f"bench{i:03d}@example.go.th",
                                        email=f"bench{i:03d}@example.go.th")
        Profile.objects.create(user=user, role=Role.COORDINATOR, agency=agency)
        response = Response.objects.create(cycle=cycle, agency=agency)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "phrom.accounts.backends.ProfileBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        kind = KINDS[i % len(KINDS)]
        pool = pools[kind]
        # measured, warm-up and probe questions differ (and one spare)
        codes = [pool[(i // len(KINDS) + k) % len(pool)] for k in range(4)]
        assert len(set(codes)) == 4, (kind, pool)
        rows.append({
            "client": i + 1,
            "response": response.pk,
            "session": session.session_key,
            "csrf": secrets.token_hex(16),  # 32 characters, as Django's own cookie
            "kind": kind,
            "measured": codes[0],
            "warmup": codes[1],
            "probe": codes[2],
            "proto": codes[3],
        })
    out.write_text(json.dumps(rows))


def child_count(clients_file: Path, out: Path) -> None:
    """Each client's answers as stored: version, value and history rows."""
    import django

    django.setup()
    from django.db.models import Count

    from phrom.responses.models import Answer, AnswerChange

    rows = json.loads(clients_file.read_text())
    found = []
    for row in rows:
        for which in ("measured", "warmup", "probe", "proto"):
            code = row[which]
            answer = Answer.objects.filter(response_id=row["response"], question=code).first()
            history = AnswerChange.objects.filter(response_id=row["response"], question=code)
            found.append({
                "client": row["client"],
                "which": which,
                "version": answer.version if answer else 0,
                "value": answer.value if answer else None,
                "history": history.count(),
                "history_versions": sorted(history.values_list("version", flat=True)),
            })
    total = AnswerChange.objects.values("kind").annotate(n=Count("id"))
    out.write_text(json.dumps({
        "answers": found,
        "history_by_kind": {r["kind"]: r["n"] for r in total},
    }))


# --- the parent ------------------------------------------------------------------------------


def psql(sql: str) -> None:
    user = os.environ.get("PGUSER", "postgres")
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", user, "-d", "postgres", "-qc", sql],
                   check=True, env=env)


def run_child(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, __file__, "--child", *args], env=env, cwd=REPO,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{done.stderr[-3000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request_once(port: int, method: str, path: str, *, body: str = "",
         headers: dict[str, str] | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


def client_headers(row: dict[str, Any], *, csrf_header: bool = True) -> dict[str, str]:
    headers = {
        "Cookie": f"sessionid={row['session']}; csrftoken={row['csrf']}",
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if csrf_header:
        headers["X-CSRFToken"] = row["csrf"]
    return headers


def wait_until_up(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            if request_once(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz in 60 s:\n{log.read_text()[-3000:]}")


def probe(port: int, rows: list[dict[str, Any]]) -> None:
    """By hand, once: a save works with the CSRF pair and fails without it."""
    row = rows[0]
    path = f"/responses/{row['response']}/answer/{row['probe']}/"
    value = "1" if row["kind"] != "text" else "probe"
    status, body = request_once(port, "POST", path, body=f"base_version=0&value={value}",
                        headers=client_headers(row, csrf_header=False))
    if status != 403:
        raise SystemExit(f"a save without the X-CSRFToken header answered {status}, not 403")
    status, body = request_once(port, "POST", path, body=f"base_version=0&value={value}",
                        headers=client_headers(row))
    if status != 200 or json.loads(body).get("version") != 1:
        raise SystemExit(f"a save with cookie+header token answered {status}: {body[:300]}")
    status, body = request_once(port, "POST", path, body=f"base_version=0&value={value}2",
                        headers=client_headers(row))
    if status != 409 or json.loads(body).get("status") != "conflict":
        raise SystemExit(f"a save from an old version answered {status}, not 409")
    status, body = request_once(port, "POST", "/bench/minimal", headers=client_headers(row))
    if status != 200 or json.loads(body) != {"ok": True}:
        raise SystemExit(f"/bench/minimal answered {status}: {body[:300]} "
                         "(is PHROM_BENCH_VIEWS=true reaching the server?)")
    status, _ = request_once(port, "POST", "/bench/minimal", headers={"Accept": "application/json"})
    if status != 302:
        raise SystemExit(f"/bench/minimal without a session answered {status}, not 302")


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return float(sum(fields) - idle), float(sum(fields))


def process_cpu(server_group: int, db: str) -> dict[int, tuple[str, float]]:
    """pid -> (gunicorn or postgres, CPU seconds so far) of gunicorn's process group and of
    the PostgreSQL backends serving the bench database (their title names it)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            text = (proc / "stat").read_text()
            comm = text[text.index("(") + 1:text.rindex(")")]
            fields = text[text.rindex(")") + 2:].split()
            seconds = (int(fields[11]) + int(fields[12])) / tick
            if int(fields[2]) == server_group:
                used[int(proc.name)] = ("server", seconds)
            elif comm == "postgres" and f" {db} ".encode() in (proc / "cmdline").read_bytes():
                used[int(proc.name)] = ("postgres", seconds)
        except (OSError, ValueError):
            continue
    return used


def cpu_between(before: dict[int, tuple[str, float]],
                after: dict[int, tuple[str, float]]) -> dict[str, float]:
    spent = {"server": 0.0, "postgres": 0.0}
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return spent


def run_wrk(port: int, rows: list[dict[str, Any]], *, mode: str, question: str,
            duration: int, think_ms: int, tmp: Path, label: str, server_group: int, db: str,
            start: dict[int, tuple[int, int]] | None = None) -> dict[str, Any]:
    """One wrk run; START gives each autosave client its answer's version and value count."""
    lines = []
    for row in rows:
        if mode == "minimal":
            path, kind = "/bench/minimal", "minimal"
        else:
            path, kind = f"/responses/{row['response']}/answer/{row[question]}/", row["kind"]
        version, n = (start or {}).get(row["client"], (0, 0))
        lines.append(f"{path}\t{row['session']}\t{row['csrf']}\t{kind}\t{version}\t{n}\n")
    clients_file = tmp / f"wrk-{label}.tsv"
    clients_file.write_text("".join(lines))
    out = tmp / f"wrk-{label}.json"
    env = dict(os.environ, BENCH_CLIENTS=str(clients_file), BENCH_OUT=str(out),
               BENCH_THINK_MS=str(think_ms))
    n = len(rows)
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0, total0 = cpu_times()
    used0 = process_cpu(server_group, db)
    done = subprocess.run(
        ["wrk", f"-t{n}", f"-c{n}", f"-d{duration}s", "--timeout", "10s", "--latency",
         "-s", str(LUA), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True,
    )
    busy1, total1 = cpu_times()
    used1 = process_cpu(server_group, db)
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(out.read_text())
    seconds = result["duration_us"] / 1e6
    result["seconds"] = seconds
    result["rps"] = result["requests"] / seconds
    client_cpu = (after_children.ru_utime + after_children.ru_stime
                  - before_children.ru_utime - before_children.ru_stime)
    result["client_cores"] = client_cpu / seconds
    result["machine_busy"] = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    # CPU ms a request: gunicorn, PostgreSQL, wrk, and everything else on the machine
    # (other people's processes on a shared machine, the kernel's own threads).
    tick = os.sysconf("SC_CLK_TCK")
    cores = os.cpu_count() or 1
    busy_s = (busy1 - busy0) / tick
    per = 1000 / max(1, result["requests"])
    spent = cpu_between(used0, used1)
    server, postgres = spent["server"], spent["postgres"]
    result["cpu_ms"] = {
        "server": server * per, "postgres": postgres * per, "wrk": client_cpu * per,
        "other": max(0.0, busy_s - server - postgres - client_cpu) * per,
    }
    result["busy_cores"] = busy_s / seconds if cores else 0.0
    return result


def db_versions(db: str) -> dict[tuple[int, str], int]:
    """(response id, question) -> version of every stored answer, read with psql."""
    user = os.environ.get("PGUSER", "postgres")
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", user, "-d", db, "-AtF", " ", "-c",
         "SELECT response_id, question, version FROM responses_answer"],
        capture_output=True, text=True, check=True,
    )
    found = {}
    for line in done.stdout.splitlines():
        response, question, version = line.split(" ")
        found[(int(response), question)] = int(version)
    return found


def settled_versions(db: str) -> dict[tuple[int, str], int]:
    """The stored versions once the saves still queued at the server when wrk stopped
    (sent, never answered) have landed: read until two reads half a second apart agree."""
    time.sleep(0.5)
    last = db_versions(db)
    for _ in range(60):
        time.sleep(0.5)
        now = db_versions(db)
        if now == last:
            return now
        last = now
    raise SystemExit("the stored versions still change 30 s after wrk stopped")


class Ledger:
    """What each client was told against what the database holds, run after run.

    After each autosave run the stored version of every client's answer must have grown
    by exactly the saves acknowledged with 200, or by one more when wrk stopped while a
    save was in flight (sent, never answered: it may land or not). Anything less is a lost
    write; anything more a write nobody sent.
    """

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = {row["client"]: row for row in rows}
        self.version: dict[tuple[int, str], int] = {}
        self.sent: dict[tuple[int, str], int] = {}
        self.expected: dict[tuple[int, str], str] = {}
        self.acknowledged = 0
        self.landed_in_flight = 0
        self.lost = 0
        self.unexplained = 0
        self.problems: list[str] = []

    def start(self, which: str) -> dict[int, tuple[int, int]]:
        return {c: (self.version.get((c, which), 0), self.sent.get((c, which), 0))
                for c in self.rows}

    def record(self, which: str, run: dict[str, Any], stored: dict[tuple[int, str], int]) -> None:
        for c in run["clients"]:
            key = (c["id"], which)
            row = self.rows[c["id"]]
            before = self.version.get(key, 0)
            after = stored.get((row["response"], row[which]), 0)
            ok, in_flight = c["ok"], c["sent"] - c["received"]
            self.acknowledged += ok
            if after < before + ok:
                self.lost += before + ok - after
                self.problems.append(f"client {c['id']} {which}: {ok} saves acknowledged "
                                     f"from version {before}, version now {after}")
            elif after > before + ok + in_flight:
                self.unexplained += after - before - ok - in_flight
                self.problems.append(f"client {c['id']} {which}: version {after} after "
                                     f"{before} + {ok} acknowledged + {in_flight} in flight")
            elif after == before + ok + 1:
                self.landed_in_flight += 1
            if after == before + ok + 1:
                self.expected[key] = c["sent_value"]
            elif ok:
                self.expected[key] = c["last_ok"]
            self.version[key] = after
            self.sent[key] = self.sent.get(key, 0) + c["sent"]

    def verify(self, stored: dict[str, Any]) -> None:
        """History rows and final values, from child_count."""
        probes = 0
        for a in stored["answers"]:
            key = (a["client"], a["which"])
            if a["which"] == "probe":
                probes += a["history"]
            elif key in self.version and a["version"] != self.version[key]:
                self.problems.append(f"client {key[0]} {key[1]}: version {a['version']} at "
                                     f"the end, {self.version[key]} after the last run")
                self.unexplained += 1
            if a["history_versions"] != list(range(1, a["version"] + 1)):
                self.lost += 1
                self.problems.append(f"client {key[0]} {key[1]}: history versions "
                                     f"{a['history_versions'][:5]}... for version "
                                     f"{a['version']}")
            if key in self.expected and str(a["value"]) != self.expected[key]:
                self.lost += 1
                self.problems.append(f"client {key[0]} {key[1]}: stored {a['value']!r}, "
                                     f"last acknowledged {self.expected[key]!r}")
        self.history_rows = stored["history_by_kind"].get("answer", 0)
        expected = self.acknowledged + self.landed_in_flight + probes
        if self.history_rows != expected:
            self.lost += max(0, expected - self.history_rows)
            self.unexplained += max(0, self.history_rows - expected)
            self.problems.append(f"{self.history_rows} answer history rows, expected "
                                 f"{expected} ({self.acknowledged} acknowledged + "
                                 f"{self.landed_in_flight} in flight + {probes} probe)")


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several runs of one mode: throughput over all, latency of the worst run."""
    seconds = sum(r["seconds"] for r in runs)
    return {
        "rps": sum(r["requests"] for r in runs) / seconds,
        "latency_us": {k: max(r["latency_us"][k] for r in runs)
                       for k in ("p50", "p90", "p99", "max")},
        "clients": [c for r in runs for c in r["clients"]],
        "errors": {k: sum(r["errors"][k] for r in runs)
                   for k in ("connect", "read", "write", "status", "timeout")},
        "client_cores": sum(r["client_cores"] * r["seconds"] for r in runs) / seconds,
        "machine_busy": sum(r["machine_busy"] * r["seconds"] for r in runs) / seconds,
        "cpu_ms": {k: sum(r["cpu_ms"][k] * r["requests"] for r in runs)
                   / sum(r["requests"] for r in runs) for k in runs[0]["cpu_ms"]},
    }


def print_row(name: str, r: dict[str, Any]) -> None:
    lat = r["latency_us"]
    ok = sum(c["ok"] for c in r["clients"])
    conflicts = sum(c["conflicts"] for c in r["clients"])
    other = sum(c["other"] for c in r["clients"])
    e = r["errors"]
    sock = e["connect"] + e["read"] + e["write"] + e["timeout"]
    print(f"{name:<12}{r['rps']:>8.0f}{lat['p50'] / 1000:>8.1f}{lat['p90'] / 1000:>8.1f}"
          f"{lat['p99'] / 1000:>8.1f}{lat['max'] / 1000:>8.1f}{ok:>8}{conflicts:>6}"
          f"{other:>7}{sock:>9}{r['machine_busy']:>6.0%}"
          + "".join(f"{r['cpu_ms'][k]:>7.2f}" for k in ("server", "postgres", "wrk", "other")))


def options_of_server() -> dict[str, Any]:
    """The database OPTIONS the server's settings give PostgreSQL (phrom.core.env)."""
    sys.path.insert(0, str(REPO))
    from phrom.core.env import env_database

    url = f"postgres://{os.environ.get('PGUSER', 'postgres')}@127.0.0.1:5432/bench"
    return dict(env_database("PHROM_BENCH_UNSET_DATABASE_URL", url).get("OPTIONS", {}))


def print_table(args: argparse.Namespace, workers: int, runs: dict[str, list[dict[str, Any]]],
                ledger: Ledger) -> bool:
    print(f"\nautosave under load: {args.clients} clients (wrk -t{args.clients} "
          f"-c{args.clients}), {args.rounds} x {args.duration} s a mode, alternating, "
          f"gunicorn {workers} sync workers, "
          f"PostgreSQL{''.join(', ' + x for x in args.pg_set)}, {os.cpu_count()} cores, "
          f"think time {args.think_ms} ms")
    print(f"database OPTIONS {options_of_server()}; load average at the end "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    print(f"{'run':<12}{'req/s':>8}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}"
          f"{'2xx':>8}{'409':>6}{'other':>7}{'sock err':>9}{'busy':>6}"
          f"{'gunic.':>7}{'pg':>7}{'wrk':>7}{'rest':>7}")
    for i in range(args.rounds):
        for mode in runs:
            print_row(f"{mode} {i + 1}", runs[mode][i])
    minimal, autosave = combine(runs["minimal"]), combine(runs["autosave"])
    print_row("minimal", minimal)
    print_row("autosave", autosave)
    ratio = autosave["rps"] / minimal["rps"] if minimal["rps"] else 0.0
    p99 = autosave["latency_us"]["p99"] / 1000
    refused = sum(c["conflicts"] + c["other"] for c in autosave["clients"])
    errors = sum(autosave["errors"][k] for k in ("connect", "read", "write", "timeout"))
    print("(the last rows: throughput over all runs of the mode; latency of its worst run; "
          "busy: the machine's CPUs; gunic./pg/wrk/rest: CPU ms a request of gunicorn, "
          "PostgreSQL, wrk and every other process, the kernel's included)")
    print(f"throughput autosave/minimal {ratio:.2f} (target >= {TARGET_RATIO:.2f}): "
          f"{'met' if ratio >= TARGET_RATIO else 'MISSED'}")
    print(f"autosave p99 {p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms): "
          f"{'met' if p99 < TARGET_P99_MS else 'MISSED'}")
    print(f"lost writes {ledger.lost} (target 0), unexplained writes {ledger.unexplained}: "
          f"{ledger.acknowledged} acknowledged saves (warm-up included) against each "
          f"answer's version after every run, {ledger.history_rows} history rows and the "
          f"final values; {ledger.landed_in_flight} save(s) in flight when wrk stopped "
          f"landed too")
    for line in ledger.problems[:20]:
        print(f"  {line}")
    if refused or errors:
        print(f"autosave refusals (409 or other) {refused}, socket errors {errors}")
    return (ratio >= TARGET_RATIO and p99 < TARGET_P99_MS and ledger.lost == 0
            and ledger.unexplained == 0 and refused == 0 and errors == 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=int, default=5, help="seconds of each run")
    parser.add_argument("--rounds", type=int, default=4,
                        help="runs of each mode, alternating minimal and autosave, so a "
                        "slower spell of a shared machine hits both")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of each warm-up")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers (default: 2 x cores, as phrom serve)")
    parser.add_argument("--think-ms", type=int, default=0,
                        help="pause of each client before each request; the clients stay "
                        "in step, so all of them send at once every period (a burst)")
    parser.add_argument("--pg-set", action="append", default=[], metavar="NAME=VALUE",
                        help="a PostgreSQL setting of the bench database, for experiments "
                        "(e.g. synchronous_commit=off); repeatable")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database and server log (prints where)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "setup":
            child_setup(int(args.child[1]), Path(args.child[2]))
        else:
            child_count(Path(args.child[1]), Path(args.child[2]))
        return 0

    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode:
        print("PostgreSQL at 127.0.0.1:5432 does not answer", file=sys.stderr)
        return 2
    workers = args.workers or max(2, 2 * (os.cpu_count() or 1))
    db = f"phrom_bench_autosave_{os.getpid()}"
    user = os.environ.get("PGUSER", "postgres")
    tmp = Path(tempfile.mkdtemp(prefix="phrom-bench-autosave-"))
    env = dict(os.environ, DATABASE_URL=f"postgres://{user}@127.0.0.1:5432/{db}",
               DJANGO_SETTINGS_MODULE="phrom.settings", PHROM_DATA_DIR=str(tmp / "data"),
               SECRET_KEY=secrets.token_urlsafe(50), PHROM_BENCH_VIEWS="true")
    env.pop("DEBUG", None)
    modes = ["minimal", "autosave"]
    server: subprocess.Popen[bytes] | None = None
    log = tmp / "gunicorn.log"
    psql(f"DROP DATABASE IF EXISTS {db}")
    psql(f"CREATE DATABASE {db}")
    for setting in args.pg_set:
        name, _, value = setting.partition("=")
        if not name.replace("_", "").isalnum() or not value.replace("_", "").isalnum():
            raise SystemExit(f"--pg-set {setting!r}: expected NAME=VALUE")
        psql(f"ALTER DATABASE {db} SET {name} = '{value}'")
    try:
        started = time.perf_counter()
        clients_file = tmp / "clients.json"
        run_child(env, "setup", str(args.clients), str(clients_file))
        rows = json.loads(clients_file.read_text())
        print(f"set up {db}: th-2564 open, {len(rows)} agencies with a signed-in coordinator "
              f"({time.perf_counter() - started:.1f} s)", flush=True)
        port = free_port()
        phrom = Path(sys.executable).with_name("phrom")
        command = ([str(phrom)] if phrom.exists() else
                   [sys.executable, "-c", "import sys; from phrom.cli import main; "
                    "sys.exit(main())"])
        with log.open("wb") as out:
            server = subprocess.Popen(
                [*command, "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--workers", str(workers)],
                env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_up(port, server, log)
        probe(port, rows)
        print(f"gunicorn up on 127.0.0.1:{port} with {workers} workers; a save with the "
              "CSRF cookie+header pair answers 200, without the header 403, from an old "
              "version 409; /bench/minimal answers 200", flush=True)
        ledger = Ledger(rows)
        for mode in ("minimal", "autosave"):
            warm = run_wrk(port, rows, mode=mode, question="warmup", duration=args.warmup,
                           think_ms=args.think_ms, tmp=tmp, label=f"{mode}-warmup",
                           server_group=server.pid, db=db)
        ledger.record("warmup", warm, settled_versions(db))
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
        for i in range(args.rounds):
            for mode in modes:
                which = "measured" if mode == "autosave" else "proto"
                run = run_wrk(port, rows, mode=mode, question=which,
                              duration=args.duration, think_ms=args.think_ms, tmp=tmp,
                              label=f"{mode}-{i + 1}", start=ledger.start(which),
                              server_group=server.pid, db=db)
                if mode != "minimal":  # before the next run starts from these versions
                    ledger.record(which, run, settled_versions(db))
                runs[mode].append(run)
                print(f"{mode} {i + 1}: {run['rps']:.0f} req/s", flush=True)
        run_child(env, "count", str(clients_file), str(tmp / "stored.json"))
        ledger.verify(json.loads((tmp / "stored.json").read_text()))
        ok = print_table(args, workers, runs, ledger)
        bad = [c["first_bad"] for rs in runs.values() for r in rs for c in r["clients"]
               if c["first_bad"]]
        if bad:
            print(f"first refused request: {bad[0]}")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if args.keep:
            print(f"kept database {db} and {tmp}", file=sys.stderr)
        else:
            psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            shutil.rmtree(tmp, ignore_errors=True)
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
