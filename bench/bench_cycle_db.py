"""A whole 2,000-agency cycle scored from the database, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/bench_cycle_db.py [--agencies 2000] [--check]

For each database it builds a fresh cycle of synthetic agencies answering th-2564, then
times, best of several repeats and in the same run:
  baseline  reading the cycle's answer rows (one query, values_list), the least any
            scorer must do;
  phrom     score_cycle_from_db: read, check every answer, score, rank and awards.
Target: phrom under 10 s. PostgreSQL is skipped when 127.0.0.1:5432 does not answer.

It also times what the integrity page and the audit sample wait for (no target): the
screens of the cycle as a first view computes them (kept_cycle_integrity, with nothing
kept) and as the next view finds them kept, and an audit sample with a new seed once the
screens are kept. The synthetic cycle has answers and no evidence rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


def child(agencies: int, repeats: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from phrom.demo.scale import create_scale_cycle, describe
    from phrom.responses.models import Answer
    from phrom.results.adapter import score_cycle_from_db

    started = time.perf_counter()
    cycle = create_scale_cycle(agencies=agencies, code=f"bench-{agencies}")
    build = time.perf_counter() - started
    info = describe(cycle)

    def baseline() -> None:
        list(
            Answer.objects.filter(response__cycle=cycle).values_list(
                "response_id", "question", "value", "not_applicable"
            )
        )

    def phrom() -> None:
        score_cycle_from_db(cycle=cycle)

    from phrom.results import integrity
    from phrom.reviews.audit import audit_sample

    def screens_first() -> None:
        integrity._screened.clear()  # what a worker that has kept nothing does
        integrity.kept_cycle_integrity(cycle)

    def screens_kept() -> None:
        integrity.kept_cycle_integrity(cycle)

    seeds = iter(range(1, 1000))

    def audit_kept() -> None:
        audit_sample(cycle=cycle, seed=next(seeds))

    figures = {}
    for name, fn in (("baseline", baseline), ("phrom", phrom), ("screens_first", screens_first),
                     ("screens_kept", screens_kept), ("audit_kept", audit_kept)):
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        figures[name] = best
    print(json.dumps({**info, "build_s": build, **figures}))


def run_backend(label: str, url: str, agencies: int, repeats: int) -> dict[str, float] | None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="phrom.settings")
    env["PHROM_DATA_DIR"] = env.get("PHROM_DATA_DIR", str(REPO / "var" / "bench"))
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--agencies", str(agencies), "--repeats",
         str(repeats)],
        env=env, capture_output=True, text=True, cwd=REPO,
    )
    if done.returncode != 0:
        print(f"{label}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.agencies, args.repeats)
        return 0
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.agencies,
                             args.repeats)
        if sqlite:
            results["SQLite"] = sqlite
    if postgres_ready():
        user = os.environ.get("PGUSER", "postgres")
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", user, "-d", "postgres", "-qc",
                        "DROP DATABASE IF EXISTS phrom_bench"], check=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", user, "-d", "postgres", "-qc",
                        "CREATE DATABASE phrom_bench"], check=True)
        pg = run_backend("postgres", f"postgres://{user}@127.0.0.1:5432/phrom_bench",
                         args.agencies, args.repeats)
        if pg:
            results["PostgreSQL"] = pg
    else:
        print("PostgreSQL at 127.0.0.1:5432 does not answer: skipped", file=sys.stderr)
    print(f"whole cycle scored from the database, {args.agencies} agencies, th-2564, "
          f"best of {args.repeats}")
    print(f"{'database':<12}{'answers':>10}{'baseline s':>12}{'phrom s':>10}{'ratio':>8}"
          f"{'target s':>10}")
    ok = bool(results)
    for label, r in results.items():
        ratio = r["phrom"] / r["baseline"] if r["baseline"] else float("nan")
        print(f"{label:<12}{r['answers']:>10}{r['baseline']:>12.3f}{r['phrom']:>10.3f}"
              f"{ratio:>8.1f}{TARGET_SECONDS:>10.1f}")
        ok = ok and r["phrom"] < TARGET_SECONDS
    print(f"\n{'database':<12}{'screens, first view s':>24}{'kept s':>9}{'audit sample s':>16}")
    for label, r in results.items():
        print(f"{label:<12}{r['screens_first']:>24.3f}{r['screens_kept']:>9.3f}"
              f"{r['audit_kept']:>16.3f}")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
