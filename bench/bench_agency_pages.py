"""Server time of the administrator's pages that name agencies, as the registry grows.

Run: .venv/bin/python bench/bench_agency_pages.py [--small 1000] [--large 10000]
         [--repeats 10] [--sqlite] [--check]

In-process, through Django's test Client (the whole middleware stack, DEBUG off,
compressed as a browser accepts), on a fresh PostgreSQL database (phrom_bench_agencies_
<pid>; --sqlite, or no PostgreSQL, uses a temporary SQLite file). The same pages are timed
twice in one run: with --small agencies in the registry, then with --large (the local
governments included). Every agency is a target of an open th-2564 cycle with a
deadline; a third of them have submitted, a third are answering; each has a coordinator.

  invite           /accounts/invite/: the agency is typed, with suggestions
  colleagues       /accounts/colleagues/?agency=<code>: one agency's people
  suggestions      /agencies/suggestions/?agency=<part of a name>: the first ten matches
  cycle progress   /cycles/th-2564/: counts, the lists of agencies still answering, and the
                   extension and reopening forms (agency typed)
  remind now       POST /cycles/th-2564/remind/, once and again (one request each, in a
                   table of its own with the tasks it queued)

Target: the invite, colleagues and suggestion pages take no longer with --large agencies
than with --small (best times within 2x plus 5 ms): they do not grow with the registry.
The cycle page lists every agency still answering, so it grows; its figures are printed.
With --check the script exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FLAT = ("invite", "colleagues", "suggestions")


def fill(total: int) -> tuple[Any, str]:
    """Agencies up to TOTAL (bulk), their responses and coordinators; (administrator,
    the code of one agency)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from phrom.accounts.models import Profile, Role
    from phrom.agencies.models import Agency, AgencyKind
    from phrom.frameworks.models import Cycle, CycleStatus
    from phrom.frameworks.services import load_framework
    from phrom.frameworks.shipped import resolve_framework_path
    from phrom.responses.models import Response, ResponseStatus

    User = get_user_model()
    cycle = Cycle.objects.filter(code="th-2564").first()
    if cycle is None:
        cycle = load_framework(path=resolve_framework_path("th-2564")).cycle
        Cycle.objects.filter(pk=cycle.pk).update(
            status=CycleStatus.OPEN, deadline=timezone.now() + dt.timedelta(days=30))
        admin = User.objects.create_user(username="admin@bench.go.th", first_name="Admin")
        Profile.objects.create(user=admin, role=Role.ADMINISTRATOR)
    admin = User.objects.get(username="admin@bench.go.th")
    have = Agency.objects.count()
    new = Agency.objects.bulk_create(
        Agency(code=f"lg-{i:05d}", name_th=f"เทศบาลตำบลทดสอบ {i}",
               name_en=f"Test municipality {i}", kind=AgencyKind.SAO)
        for i in range(have, total)
    )
    statuses = [ResponseStatus.SUBMITTED, ResponseStatus.IN_PROGRESS, None]
    Response.objects.bulk_create(
        Response(cycle=cycle, agency=a, status=statuses[i % 3])
        for i, a in enumerate(new) if statuses[i % 3] is not None
    )
    people = User.objects.bulk_create(
        User(username=f"c-{a.code}@bench.go.th", first_name=a.code) for a in new)
    Profile.objects.bulk_create(
        Profile(user=u, role=Role.COORDINATOR, agency=a) for u, a in zip(people, new, strict=True))
    return admin, new[len(new) // 2].code


def measure(
    admin: Any, code: str, repeats: int
) -> tuple[dict[str, dict[str, float]], dict[str, tuple[float, int]]]:
    """The pages' figures by label, and (ms, tasks queued) of each "remind now" click."""
    from django.test import Client

    from bench.page_timing import BROWSER_ENCODINGS, queries_of

    client = Client(HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS)
    client.force_login(admin)
    urls = {
        "invite": "/accounts/invite/",
        "colleagues": f"/accounts/colleagues/?agency={code}",
        "suggestions": "/agencies/suggestions/?agency=%E0%B8%97%E0%B8%94%E0%B8%AA%E0%B8%AD%E0%B8%9A%2012",
        "cycle progress": "/cycles/th-2564/",
    }
    figures = {}
    for label, url in urls.items():
        reply = client.get(url)
        assert reply.status_code == 200, (label, reply.status_code)
        page = (gzip.decompress(reply.content) if reply.get("Content-Encoding") == "gzip"
                else reply.content)
        queries = len(queries_of(client, url))
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        figures[label] = {"queries": queries, "kib": len(page) / 1024,
                          "sent_kib": len(reply.content) / 1024, "best": timings[0],
                          "median": statistics.median(timings)}
    # "Remind now", clicked twice: every agency still answering (those the smaller registry
    # reminded already count as reminded today), then none.
    from django_tasks_db.models import DBTaskResult

    reminds = {}
    for label in ("remind now", "remind again"):
        tasks = DBTaskResult.objects.count()
        started = time.perf_counter()
        reply = client.post("/cycles/th-2564/remind/")
        took = (time.perf_counter() - started) * 1000
        assert reply.status_code == 302, (label, reply.status_code)
        reminds[label] = (took, DBTaskResult.objects.count() - tasks)
    return figures, reminds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite, not PostgreSQL")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()
    if not 0 < args.small < args.large:
        parser.error("--small must be fewer agencies than --large (and more than none)")

    from bench.page_timing import fresh_database

    tmp = Path(tempfile.mkdtemp(prefix="phrom-bench-agencies-"))
    with fresh_database("agencies", tmp, sqlite=args.sqlite) as postgres:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", interactive=False, verbosity=0)
        runs, reminds = {}, {}
        for total in (args.small, args.large):
            admin, code = fill(total)
            if postgres:
                # The statistics a running database keeps (autovacuum), not those of the
                # tables before the bulk inserts: the planner's estimates follow them.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            runs[total], reminds[total] = measure(admin, code, args.repeats)
        connection.close()
    print(f"administrator's pages naming agencies, server time through the test Client, "
          f"{'PostgreSQL' if postgres else 'SQLite'}, best and median of {args.repeats} (ms)")
    print(f"{'page':<16}{'agencies':>9}{'queries':>8}{'KiB':>7}{'sent':>7}{'best':>8}{'median':>8}")
    ok = True
    for label in runs[args.small]:
        for total, figures in runs.items():
            f = figures[label]
            print(f"{label:<16}{total:>9,}{f['queries']:>8}{f['kib']:>7.0f}{f['sent_kib']:>7.0f}"
                  f"{f['best']:>8.1f}{f['median']:>8.1f}")
        if label in FLAT:
            small, large = runs[args.small][label]["best"], runs[args.large][label]["best"]
            ok = ok and large <= 2 * small + 5
    print(f"\n{'remind now':<16}{'agencies':>9}{'ms':>8}{'tasks':>8}")
    for total, clicks in reminds.items():
        for label, (took, tasks) in clicks.items():
            print(f"{label:<16}{total:>9,}{took:>8.1f}{tasks:>8}")
    print(f"invite, colleagues and suggestions at {args.large:,} agencies within 2x (+5 ms) of "
          f"{args.small:,}: " + ("target met" if ok else "TARGET MISSED"))
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
