"""The autosave endpoint under load, against a minimal view on the same server, same run.

Run: .venv/bin/python bench/bench_autosave.py [--clients 32] [--duration 20] [--check]

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
     a short warm-up of both, then the minimal view and the autosave endpoint for
     --duration seconds each. Every autosave client writes its own answer (number,
     percentage and text questions in turn), sending the version the last save returned,
     so every save must succeed;
  5. counts in the database afterwards: each answer's version, its history rows and its
     final value against what the client was told (zero lost writes);
  6. stops gunicorn and drops the database.

Targets (the issue's): autosave at least 40 % of the minimal view's throughput, autosave
p99 under 100 ms, zero lost writes. --check exits 1 when one is missed.

The client is closed-loop: each of the N clients sends its next request as soon as the
last one is answered (--think-ms adds a pause), so latency is about N / throughput.
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
TARGET_RATIO = 0.40
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
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        kind = KINDS[i % len(KINDS)]
        pool = pools[kind]
        # measured, warm-up and probe questions differ, so each run starts at version 0
        codes = [pool[(i // len(KINDS) + k) % len(pool)] for k in range(3)]
        assert len(set(codes)) == 3, (kind, pool)
        rows.append({
            "client": i + 1,
            "response": response.pk,
            "session": session.session_key,
            "csrf": secrets.token_hex(16),  # 32 characters, as Django's own cookie
            "kind": kind,
            "measured": codes[0],
            "warmup": codes[1],
            "probe": codes[2],
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
        for which in ("measured", "warmup", "probe"):
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


def run_wrk(port: int, rows: list[dict[str, Any]], *, mode: str, question: str,
            duration: int, think_ms: int, tmp: Path) -> dict[str, Any]:
    lines = []
    for row in rows:
        if mode == "minimal":
            path, kind = "/bench/minimal", "minimal"
        else:
            path, kind = f"/responses/{row['response']}/answer/{row[question]}/", row["kind"]
        lines.append(f"{path}\t{row['session']}\t{row['csrf']}\t{kind}\n")
    clients_file = tmp / f"wrk-{mode}-{question}.tsv"
    clients_file.write_text("".join(lines))
    out = tmp / f"wrk-{mode}-{question}.json"
    env = dict(os.environ, BENCH_CLIENTS=str(clients_file), BENCH_OUT=str(out),
               BENCH_THINK_MS=str(think_ms))
    n = len(rows)
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0, total0 = cpu_times()
    done = subprocess.run(
        ["wrk", f"-t{n}", f"-c{n}", f"-d{duration}s", "--timeout", "10s", "--latency",
         "-s", str(LUA), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True,
    )
    busy1, total1 = cpu_times()
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(out.read_text())
    seconds = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds
    client_cpu = (after_children.ru_utime + after_children.ru_stime
                  - before_children.ru_utime - before_children.ru_stime)
    result["client_cores"] = client_cpu / seconds
    result["machine_busy"] = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    result["wrk_text"] = done.stdout
    return result


def lost_writes(rows: list[dict[str, Any]], runs: dict[str, dict[str, Any]],
                stored: dict[str, Any]) -> dict[str, Any]:
    """Every acknowledged save must be in the database: versions, history, final values."""
    by_key = {(a["client"], a["which"]): a for a in stored["answers"]}
    lost = 0
    wrong_value = 0
    bad_history = 0
    landed_in_flight = 0
    problems: list[str] = []
    acknowledged = 0
    for which, run in runs.items():
        for c in run["clients"]:
            a = by_key[(c["id"], which)]
            ok, version = c["ok"], a["version"]
            in_flight = c["sent"] - c["received"]  # 0 or 1: wrk stopped while it waited
            acknowledged += ok
            if version < ok:
                lost += ok - version
                problems.append(f"client {c['id']} {which}: {ok} saves acknowledged, "
                                f"version {version}")
            elif version > ok + in_flight:
                problems.append(f"client {c['id']} {which}: version {version} but only "
                                f"{ok} + {in_flight} saves sent")
            elif version == ok + 1:
                landed_in_flight += 1
            expected = c["last_ok"] if version == ok else c["sent_value"]
            if version and str(a["value"]) != expected:
                wrong_value += 1
                problems.append(f"client {c['id']} {which}: stored {a['value']!r}, "
                                f"expected {expected!r}")
            if a["history_versions"] != list(range(1, version + 1)):
                bad_history += 1
                problems.append(f"client {c['id']} {which}: history versions "
                                f"{a['history_versions'][:5]}... for version {version}")
    probes = sum(a["history"] for a in stored["answers"] if a["which"] == "probe")
    history_total = stored["history_by_kind"].get("answer", 0)
    expected_history = acknowledged + landed_in_flight + probes
    if history_total != expected_history:
        problems.append(f"{history_total} history rows, expected {expected_history}")
    return {
        "lost": lost + bad_history + wrong_value
        + abs(history_total - expected_history),
        "acknowledged": acknowledged,
        "landed_in_flight": landed_in_flight,
        "history_rows": history_total,
        "problems": problems,
    }


def print_table(args: argparse.Namespace, workers: int, runs: dict[str, dict[str, Any]],
                check: dict[str, Any]) -> bool:
    minimal, autosave = runs["minimal"], runs["autosave"]
    print(f"\nautosave under load: {args.clients} clients (wrk -t{args.clients} "
          f"-c{args.clients}), {args.duration} s a run, gunicorn {workers} sync workers, "
          f"PostgreSQL, {os.cpu_count()} cores, think time {args.think_ms} ms")
    head = (f"{'run':<10}{'req/s':>9}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}"
            f"{'2xx':>8}{'409':>6}{'other':>7}{'sock err':>9}{'wrk cores':>10}{'busy':>6}")
    print(head)
    for name, r in (("minimal", minimal), ("autosave", autosave)):
        lat = r["latency_us"]
        ok = sum(c["ok"] for c in r["clients"])
        conflicts = sum(c["conflicts"] for c in r["clients"])
        other = sum(c["other"] for c in r["clients"])
        e = r["errors"]
        sock = e["connect"] + e["read"] + e["write"] + e["timeout"]
        print(f"{name:<10}{r['rps']:>9.0f}{lat['p50'] / 1000:>8.1f}{lat['p90'] / 1000:>8.1f}"
              f"{lat['p99'] / 1000:>8.1f}{lat['max'] / 1000:>8.1f}{ok:>8}{conflicts:>6}"
              f"{other:>7}{sock:>9}{r['client_cores']:>10.2f}{r['machine_busy']:>6.0%}")
    ratio = autosave["rps"] / minimal["rps"] if minimal["rps"] else 0.0
    p99 = autosave["latency_us"]["p99"] / 1000
    conflicts = sum(c["conflicts"] + c["other"] for c in autosave["clients"])
    errors = sum(autosave["errors"][k] for k in ("connect", "read", "write", "timeout"))
    print(f"ratio autosave/minimal {ratio:.2f} (target >= {TARGET_RATIO:.2f}): "
          f"{'met' if ratio >= TARGET_RATIO else 'MISSED'}")
    print(f"autosave p99 {p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms): "
          f"{'met' if p99 < TARGET_P99_MS else 'MISSED'}")
    print(f"lost writes {check['lost']} (target 0): {check['acknowledged']} acknowledged saves "
          f"(warm-up included) checked against {check['history_rows']} history rows, each "
          f"answer's version and final value; {check['landed_in_flight']} save(s) in flight "
          f"when wrk stopped landed too")
    for line in check["problems"][:20]:
        print(f"  {line}")
    if conflicts or errors:
        print(f"autosave refusals (409 or other) {conflicts}, socket errors {errors}")
    return (ratio >= TARGET_RATIO and p99 < TARGET_P99_MS and check["lost"] == 0
            and conflicts == 0 and errors == 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=int, default=20, help="seconds of each run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of each warm-up")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers (default: 2 x cores, as phrom serve)")
    parser.add_argument("--think-ms", type=int, default=0,
                        help="pause of each client between its requests")
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
    server: subprocess.Popen[bytes] | None = None
    log = tmp / "gunicorn.log"
    psql(f"DROP DATABASE IF EXISTS {db}")
    psql(f"CREATE DATABASE {db}")
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
        for mode, question in (("minimal", "warmup"), ("autosave", "warmup")):
            run_wrk(port, rows, mode=mode, question=question, duration=args.warmup,
                    think_ms=args.think_ms, tmp=tmp)
        runs = {}
        for mode in ("minimal", "autosave"):
            runs[mode] = run_wrk(port, rows, mode=mode, question="measured",
                                 duration=args.duration, think_ms=args.think_ms, tmp=tmp)
            print(f"{mode}: {runs[mode]['rps']:.0f} req/s", flush=True)
        warm = json.loads((tmp / "wrk-autosave-warmup.json").read_text())
        run_child(env, "count", str(clients_file), str(tmp / "stored.json"))
        stored = json.loads((tmp / "stored.json").read_text())
        check = lost_writes(rows, {"measured": runs["autosave"], "warmup": warm}, stored)
        ok = print_table(args, workers, runs, check)
        bad = [c["first_bad"] for r in runs.values() for c in r["clients"] if c["first_bad"]]
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
