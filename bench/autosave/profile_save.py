"""Where one autosave request spends its time: queries and a cProfile, in-process.

Run: .venv/bin/python bench/autosave/profile_save.py [--saves 300] [--top 30]

Builds the same fresh PostgreSQL database as bench/bench_autosave.py (th-2564 open, one
signed-in coordinator), then through Django's test Client with the full middleware stack:
  - lists the SQL of one save (and of one request to the minimal view),
  - times serial saves and serial minimal requests (mean ms, one process, no contention),
  - profiles the saves with cProfile and prints the heaviest functions.
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
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
        path = f"/responses/{row['response']}/answer/{row['measured']}/"
        headers = {"HTTP_ACCEPT": "application/json", "HTTP_X_CSRFTOKEN": row["csrf"]}
        state = {"version": 0, "n": 0}

        def save() -> None:
            state["n"] += 1
            value = f"v{state['n']}" if row["kind"] == "text" else str(state["n"] % 101)
            reply = client.post(path, {"base_version": state["version"], "value": value},
                                **headers)
            assert reply.status_code == 200, (reply.status_code, reply.content[:300])
            state["version"] = reply.json()["version"]

        def minimal() -> None:
            reply = client.post("/bench/minimal", **headers)
            assert reply.status_code == 200, reply.status_code

        for fn in (save, minimal):
            for _ in range(20):
                fn()
        for name, fn in (("save", save), ("minimal", minimal)):
            with CaptureQueriesContext(connection) as queries:
                fn()
            print(f"--- {len(queries)} queries of one {name} request")
            for q in queries.captured_queries:
                print(f"  {q['time']}s  {q['sql'][:230]}")
        print()
        for name, fn in (("save", save), ("minimal", minimal)):
            started = time.perf_counter()
            for _ in range(args.saves):
                fn()
            ms = (time.perf_counter() - started) * 1000 / args.saves
            print(f"{name}: {ms:.2f} ms a request, serial, in-process ({args.saves} requests)")
        cpu = time.process_time()
        for _ in range(args.saves):
            save()
        cpu = (time.process_time() - cpu) * 1000 / args.saves
        print(f"save: {cpu:.2f} ms of this process's CPU a request")
        cpu = time.process_time()
        for _ in range(args.saves):
            minimal()
        cpu = (time.process_time() - cpu) * 1000 / args.saves
        print(f"minimal: {cpu:.2f} ms of this process's CPU a request")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.saves):
            save()
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
