"""Where one autosave request spends its time: queries and a cProfile, in-process.

Run: .venv/bin/python bench/autosave/profile_save.py [--saves 300] [--top 30] [--profile save]
         [--options '{"prepare_threshold": null}'] [--wall]

Builds the same fresh PostgreSQL database as bench/bench_autosave.py (th-2564 open, one
signed-in coordinator), then through Django's test Client with the full middleware stack
(form-encoded posts, as the questionnaire's script and wrk send them):
  - lists the SQL of one save and of one request to the minimal view,
  - times them serially: wall, this process's CPU and its PostgreSQL backend's CPU (from
    /proc), best of --rounds; with --options also with those database OPTIONS, rounds
    alternated in the same run, so that a busy machine slows both alike,
  - profiles one kind with cProfile (CPU time unless --wall) and prints the heaviest
    functions and the function calls a request (a count that does not depend on the load).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the PostgreSQL backend ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    parser.add_argument("--profile", default="save", choices=["save", "minimal"],
                        help="which request to profile")
    parser.add_argument("--options", default="",
                        help='database OPTIONS (JSON) to compare with, in the same run, '
                             'e.g. {"server_side_binding": true, "prepare_threshold": 0}')
    parser.add_argument("--wall", action="store_true",
                        help="profile wall time (default: this process's CPU time)")
    args = parser.parse_args()

    import bench_autosave as bench

    db = f"phrom_bench_profile_{os.getpid()}"
    user = os.environ.get("PGUSER", "postgres")
    tmp = Path(tempfile.mkdtemp(prefix="phrom-bench-profile-"))
    os.environ.update(
        DATABASE_URL=f"postgres://{user}@127.0.0.1:5432/{db}",
        DJANGO_SETTINGS_MODULE="phrom.settings", PHROM_DATA_DIR=str(tmp / "data"),
        SECRET_KEY=secrets.token_urlsafe(50), PHROM_BENCH_VIEWS="true",
    )
    bench.psql(f"CREATE DATABASE {db}")
    try:
        clients_file = tmp / "clients.json"
        bench.child_setup(1, clients_file)
        row = json.loads(clients_file.read_text())[0]
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(enforce_csrf_checks=True)
        client.cookies["sessionid"] = row["session"]
        client.cookies["csrftoken"] = row["csrf"]
        save_path = f"/responses/{row['response']}/answer/{row['measured']}/"
        headers = {"HTTP_ACCEPT": "application/json", "HTTP_X_CSRFTOKEN": row["csrf"]}
        state = {"version": 0, "n": 0}

        def saver(path: str) -> Callable[[], None]:
            def save() -> None:
                state["n"] += 1
                value = f"v{state['n']}" if row["kind"] == "text" else str(state["n"] % 101)
                # Form-encoded, as the questionnaire's script and wrk send it.
                reply = client.post(path, urlencode({"base_version": state["version"],
                                                     "value": value}),
                                    content_type="application/x-www-form-urlencoded",
                                    **headers)
                assert reply.status_code == 200, (reply.status_code, reply.content[:300])
                assert reply.json()["version"] == state["version"] + 1, reply.content[:300]
                state["version"] = reply.json()["version"]
            return save

        def minimal() -> None:
            reply = client.post("/bench/minimal", **headers)
            assert reply.status_code == 200, reply.status_code

        kinds = {"save": saver(save_path), "minimal": minimal}
        for fn in kinds.values():
            for _ in range(20):
                fn()
        for name, fn in kinds.items():
            with CaptureQueriesContext(connection) as queries:
                fn()
            print(f"--- {len(queries)} queries of one {name} request")
            for q in queries.captured_queries:
                print(f"  {q['time']}s  {q['sql'][:230]}")
        print()
        # Interleaved rounds, best of each: other processes on a shared machine slow some.
        # With --options, every round also runs each request with those database OPTIONS
        # (a new connection each time the configuration changes), so both are compared in
        # the same run.
        base_options = dict(connection.settings_dict.get("OPTIONS") or {})
        configs: dict[str, dict[str, object]] = {"": base_options}
        if args.options:
            configs["+opts"] = {**base_options, **json.loads(args.options)}

        def use(options: dict[str, object]) -> int:
            connection.close()
            connection.settings_dict["OPTIONS"] = dict(options)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                return int(cursor.fetchone()[0])

        labels = [f"{name}{suffix}" for suffix in configs for name in kinds]
        wall: dict[str, float] = {k: float("inf") for k in labels}
        cpu: dict[str, float] = {k: float("inf") for k in labels}
        pg: dict[str, float] = {k: float("inf") for k in labels}
        for _ in range(args.rounds):
            for suffix, options in configs.items():
                backend = use(options)
                for name, fn in kinds.items():
                    for _ in range(10):
                        fn()
                    label = f"{name}{suffix}"
                    w, c, p = time.perf_counter(), time.process_time(), backend_cpu(backend)
                    for _ in range(args.saves):
                        fn()
                    per = 1000 / args.saves
                    wall[label] = min(wall[label], (time.perf_counter() - w) * per)
                    cpu[label] = min(cpu[label], (time.process_time() - c) * per)
                    pg[label] = min(pg[label], (backend_cpu(backend) - p) * per)
        use(base_options)
        print(f"serial, in-process, through the whole middleware stack; best of {args.rounds} "
              f"rounds of {args.saves} requests")
        if args.options:
            print(f"+opts: database OPTIONS {configs['+opts']}")
        print(f"{'request':<16}{'wall ms':>9}{'CPU ms':>9}{'PG CPU ms':>11}{'CPU / minimal':>15}")
        for label in labels:
            minimal_label = "minimal" + label.removeprefix("save").removeprefix("minimal")
            print(f"{label:<16}{wall[label]:>9.2f}{cpu[label]:>9.2f}{pg[label]:>11.2f}"
                  f"{cpu[label] / cpu[minimal_label]:>15.2f}")
        print("(CPU: this Python process; PG CPU: its PostgreSQL backend, from /proc)")
        # CPU time by default: on a shared machine wall time is mostly waiting.
        profile = cProfile.Profile(time.perf_counter if args.wall else time.process_time)
        fn = kinds[args.profile]
        profile.enable()
        for _ in range(args.saves):
            fn()
        profile.disable()
        stats_table = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        calls = sum(stat[1] for stat in stats_table.values())
        print(f"{calls / args.saves:.0f} function calls a {args.profile} request")
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats(args.sort)
        stats.print_stats(args.top)
        stats.print_stats("phrom/", args.top)
        print(out.getvalue())
        connection.close()
    finally:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", user, "-d", "postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
