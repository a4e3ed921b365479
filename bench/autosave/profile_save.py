"""Where one autosave request spends its time: queries and a cProfile, in-process.

Run: .venv/bin/python bench/autosave/profile_save.py [--saves 300] [--top 30] [--profile save]

Builds the same fresh PostgreSQL database as bench/bench_autosave.py (th-2564 open, one
signed-in coordinator), then through Django's test Client with the full middleware stack:
  - lists the SQL of one save and of one request to the minimal view,
  - times them serially (wall and this process's CPU, one process, no contention),
  - profiles one kind with cProfile and prints the heaviest functions.
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

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    parser.add_argument("--profile", default="save", choices=["save", "minimal"],
                        help="which request to profile")
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
                reply = client.post(path, {"base_version": state["version"], "value": value},
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
        wall: dict[str, float] = {k: float("inf") for k in kinds}
        cpu: dict[str, float] = {k: float("inf") for k in kinds}
        for _ in range(args.rounds):
            for name, fn in kinds.items():
                w, c = time.perf_counter(), time.process_time()
                for _ in range(args.saves):
                    fn()
                wall[name] = min(wall[name], (time.perf_counter() - w) * 1000 / args.saves)
                cpu[name] = min(cpu[name], (time.process_time() - c) * 1000 / args.saves)
        print(f"serial, in-process, through the whole middleware stack; best of {args.rounds} "
              f"rounds of {args.saves} requests")
        print(f"{'request':<10}{'wall ms':>9}{'CPU ms':>9}{'CPU / minimal':>15}")
        for name in kinds:
            print(f"{name:<10}{wall[name]:>9.2f}{cpu[name]:>9.2f}"
                  f"{cpu[name] / cpu['minimal']:>15.2f}")
        print("(CPU: this Python process only; PostgreSQL's own work is in the wall time)")
        profile = cProfile.Profile()
        fn = kinds[args.profile]
        profile.enable()
        for _ in range(args.saves):
            fn()
        profile.disable()
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
