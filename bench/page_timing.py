"""What the page benchmarks share: a fresh database (`fresh_database`, also used by
bench_public_results.py), each page requested through Django's test Client, and the table of
figures.

A page is (label, response, user, questions); `run` times `url_of(response)` as that user.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import secrets
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BUDGET_MS = 150.0
# What a browser says it accepts: the pages are timed as sent to it, compressed.
BROWSER_ENCODINGS = "gzip, deflate, br"

Page = tuple[str, Any, Any, int]


def busy_responses(tmp: Path, *, status: str) -> list[tuple[str, Any, Any, Any]]:
    """(label, loaded framework, response, coordinator) for a 200-question synthetic cycle
    and th-2564: one agency each, its response in STATUS with half of its questions
    answered, evidence on every third and last cycle's answers to carry over."""
    from django.contrib.auth import get_user_model

    from phrom.accounts.models import Profile, Role
    from phrom.agencies.models import Agency, AgencyKind
    from phrom.frameworks.models import CycleStatus
    from phrom.frameworks.services import load_framework
    from phrom.frameworks.shipped import resolve_framework_path
    from phrom.responses.models import Response, ResponseStatus
    from tests.responses.helpers import fill_like_a_busy_agency, write_framework
    from tests.synthetic.cycles import synthetic_framework

    spec = synthetic_framework(n_questions=200, seed=7)
    load_framework(path=write_framework(tmp, spec, code="synthetic-7-previous", year_be=2563))
    synthetic = load_framework(
        path=write_framework(tmp, spec, code="synthetic-7", previous="synthetic-7-previous")
    )
    load_framework(path=resolve_framework_path("th-2563"))
    th = load_framework(path=resolve_framework_path("th-2564"))
    made = []
    for label, loaded in (("synthetic-200", synthetic), ("th-2564", th)):
        cycle = loaded.cycle
        cycle.status = CycleStatus.OPEN
        cycle.save()
        agency = Agency.objects.create(code=f"page-{label}", name_th="หน่วยงานทดสอบ",
                                       kind=AgencyKind.DEPARTMENT)
        user = get_user_model().objects.create_user(username=f"{label}@example.go.th",
                                                    first_name="Page")
        Profile.objects.create(user=user, role=Role.COORDINATOR, agency=agency)
        response = Response.objects.create(cycle=cycle, agency=agency, status=status)
        assert cycle.previous_id is not None, label
        previous = Response.objects.create(cycle_id=cycle.previous_id, agency=agency,
                                           status=ResponseStatus.SUBMITTED)
        fill_like_a_busy_agency(
            response=response, previous=previous, user=user, questions=loaded.spec.questions,
            previous_codes={q.code for q in cycle.previous.framework.spec().questions},
        )
        made.append((label, loaded, response, user))
    return made


def queries_of(client: Any, url: str) -> list[str]:
    """The SQL of one request of URL by CLIENT, in the order it ran."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        client.get(url)
    return queries


def _measure(build: Callable[[Path], list[Page]], url_of: Callable[[Any], str],
             count_forms: Callable[[str], int], repeats: int, tmp: Path) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    figures = []
    for label, response, user, questions in build(tmp):
        client = Client(HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS)
        client.force_login(user)
        url = url_of(response)
        first = time.perf_counter()
        reply = client.get(url)
        first_ms = (time.perf_counter() - first) * 1000
        assert reply.status_code == 200, (label, reply.status_code)
        page = (gzip.decompress(reply.content) if reply.get("Content-Encoding") == "gzip"
                else reply.content)
        forms = count_forms(page.decode())
        queries = queries_of(client, url)
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            reply = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200
        timings.sort()
        figures.append({
            "page": label, "questions": questions, "forms": forms, "queries": len(queries),
            "kib": len(page) / 1024, "sent_kib": len(reply.content) / 1024,
            "first": first_ms, "best": timings[0],
            "median": statistics.median(timings),
            "p90": timings[min(len(timings) - 1, int(len(timings) * 0.9))],
        })
    connection.close()
    return figures


@contextlib.contextmanager
def fresh_database(name: str, tmp: Path, *, sqlite: bool) -> Iterator[bool]:
    """Phrom's settings pointed at a new database for benchmark NAME: PostgreSQL when it
    answers on 127.0.0.1:5432 and SQLITE is false (dropped afterwards), else the SQLite
    file TMP/NAME.sqlite3 (kept with TMP). Yields whether it is PostgreSQL."""
    user = os.environ.get("PGUSER", "postgres")
    db = f"phrom_bench_{name}_{os.getpid()}"
    postgres = not sqlite and subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0

    def psql(sql: str) -> None:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", user, "-d", "postgres", "-qc", sql],
                       check=True, env=dict(os.environ,
                                            PGOPTIONS="-c client_min_messages=warning"))

    if postgres:
        psql(f"CREATE DATABASE {db}")
        url = f"postgres://{user}@127.0.0.1:5432/{db}"
    else:
        url = f"sqlite:///{tmp}/{name}.sqlite3"
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="phrom.settings",
                      PHROM_DATA_DIR=str(tmp / "data"), SECRET_KEY=secrets.token_urlsafe(50))
    os.environ.pop("DEBUG", None)
    try:
        yield postgres
    finally:
        if postgres:
            psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def run(*, title: str, name: str, description: str, build: Callable[[Path], list[Page]],
        url_of: Callable[[Any], str], count_forms: Callable[[str], int]) -> int:
    """Parse the command line, time every page of BUILD on a fresh database and print the
    table; the exit code says whether the 200-question page met its budget (with --check)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite, not PostgreSQL")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the 200-question page's best time is 150 ms or more")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix=f"phrom-bench-{name}-"))
    with fresh_database(name, tmp, sqlite=args.sqlite) as postgres:
        figures = _measure(build, url_of, count_forms, args.repeats, tmp)
    print(f"{title}, server time through the test Client, compressed as a browser accepts, "
          f"{'PostgreSQL' if postgres else 'SQLite'}, {args.repeats} requests after a "
          f"first one (ms)")
    print(f"{'page':<15}{'questions':>10}{'forms':>7}{'queries':>8}{'KiB':>7}{'sent':>7}"
          f"{'first':>8}"
          f"{'best':>8}{'median':>8}{'p90':>8}{'target':>8}")
    ok = True
    for f in figures:
        target = f"{BUDGET_MS:.0f}" if f["questions"] >= 200 else "-"
        print(f"{f['page']:<15}{f['questions']:>10}{f['forms']:>7}{f['queries']:>8}"
              f"{f['kib']:>7.0f}{f['sent_kib']:>7.0f}{f['first']:>8.1f}{f['best']:>8.1f}{f['median']:>8.1f}"
              f"{f['p90']:>8.1f}{target:>8}")
        if f["questions"] >= 200:
            ok = f["best"] < BUDGET_MS
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok or not args.check else 1
