"""Benchmark: the integrity screens (`phrom integrity`) of a 10,000-agency cycle.

Run: .venv/bin/python bench/bench_integrity.py [--agencies 10000] [--questions 200] [--check]
     [--db N [--keep DIR]]

The cycle is tests.synthetic.integrity.planted_cycle: the synthetic framework with
required evidence, whole counts and consistency rules, 10% of the agencies with a planted
problem, one evidence file per answered required question and one URL per agency (about
25 items per agency at 200 questions). Timed, best of ``--repeats``
(time.perf_counter):

  screens   scoring.integrity.screen_cycle over the scored cycle and its evidence items:
            every screen (gains, all at the maximum, shared files and URLs, carried over,
            out of period, missing evidence, whole counts, contradictions);
  score+screens  scoring the cycle with its previous cycle (score_cycle) and then the
            screens: the pure part of `phrom integrity` from the answers on;
  file dates  phrom.results.integrity.document_dates on a small PDF and a small OOXML
            file, per file: what reading each evidence file's own dates costs on top
            (the command remembers dates per SHA-256 for the life of the process, and
            --no-file-dates leaves them unread).

With --db N, also the whole command on a stored cycle (SQLite in a temporary folder):
phrom.demo.scale.create_scale_cycle of N agencies answering th-2564, one evidence file row
per answered required-evidence question (SHA-256s of their own, one in a hundred agencies
sharing a file) and one URL per agency, then `phrom integrity CYCLE --json
--no-file-dates` timed once, output discarded: reading and scoring the answers, reading
the evidence rows and verdicts, the screens and the JSON. With --keep DIR the database is
kept in DIR and, when it already holds the cycle, reused instead of built again.

  URL evidence  the shared-URL screen over 87 web addresses an agency (the demo's
            density; the cycle above has mostly files), against the same screen comparing
            the addresses through urllib's urlsplit in the same run.

Also printed: the share of planted agencies flagged and of the others.
Target: score+screens, and with --db the stored command, under 10 s. With --check the
script exits with status 1 when either is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 10.0


def best(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def stored(agencies: int, keep: bool = False) -> float:
    """Seconds of `phrom integrity --json --no-file-dates` on a stored cycle (built unless
    KEEP and the database already holds it)."""
    import hashlib

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from phrom.cli import main as phrom
    from phrom.demo.scale import create_scale_cycle
    from phrom.frameworks.models import Cycle
    from phrom.responses.models import Answer, Evidence

    code = f"integrity-{agencies}"
    if keep and Cycle.objects.filter(code=code).exists():
        print(f"stored: {code} reused")
        return timed(phrom, code)
    cycle = create_scale_cycle(agencies=agencies, code=code)
    spec = cycle.framework.spec()
    required = {q.code for q in spec.questions if q.evidence == "required"}
    rows = (
        Answer.objects.filter(response__cycle=cycle, question__in=required)
        .values_list("response_id", "response__agency__code", "question")
    )
    evidence = []
    for response_id, agency, question in rows.iterator(chunk_size=20000):
        owner = agency if hash(agency) % 100 else "shared"
        digest = hashlib.sha256(f"{owner}/{question}".encode()).hexdigest()
        evidence.append(Evidence(response_id=response_id, question=question, sha256=digest,
                                 original_name=f"{question}.pdf", size=1))
    for response_id, agency in cycle.responses.values_list("pk", "agency__code"):
        evidence.append(Evidence(response_id=response_id, question=spec.questions[0].code,
                                 url=f"https://{agency}.example.go.th/"))
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    print(f"stored: {agencies} agencies, {len(evidence)} evidence rows")
    return timed(phrom, cycle.code)


def timed(phrom, code: str) -> float:  # type: ignore[no-untyped-def]
    """Seconds of one `phrom integrity CODE --json --no-file-dates`, output discarded."""
    import contextlib
    import io

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        assert phrom(["integrity", code, "--json", "--no-file-dates"]) == 0
    return time.perf_counter() - start


# Evidence given as web addresses, as in the demo (about 87 an agency): the synthetic
# cycle's evidence is mostly files, whose comparison costs little.
URLS_PER_AGENCY = 87


def url_evidence(agencies: list[str], repeats: int) -> tuple[float, float, int]:
    """The shared-evidence screen over URLS_PER_AGENCY web addresses an agency, timed with
    scoring.integrity.normalise_url and again with URLs compared through urlsplit (the
    same run's reference)."""
    import scoring.integrity as integrity
    from tests.synthetic.integrity import urlsplit_normalised

    items = [
        integrity.EvidenceItem(agency, f"Q-{q:03d}",
                               url=f"https://www.example.go.th/{agency}/2564/q-{q:03d}.pdf")
        for agency in agencies
        for q in range(URLS_PER_AGENCY)
    ]
    ours = best(lambda: integrity.screen_shared_evidence(items), repeats)

    kept = integrity.normalise_url
    integrity.normalise_url = urlsplit_normalised  # type: ignore[assignment]
    try:
        reference = best(lambda: integrity.screen_shared_evidence(items), repeats)
    finally:
        integrity.normalise_url = kept  # type: ignore[assignment]
    return ours, reference, len(items)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--db", type=int, default=0, metavar="N",
                        help="also time the command on a stored cycle of N agencies")
    parser.add_argument("--keep", metavar="DIR", default="",
                        help="keep the stored cycle's database in DIR and reuse it when there")
    args = parser.parse_args()
    db_seconds = 0.0
    if args.db:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            folder = args.keep or tmp
            os.makedirs(folder, exist_ok=True)
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            os.environ["PHROM_DATA_DIR"] = folder
            db_seconds = stored(args.db, keep=bool(args.keep))
        print(f"phrom integrity (stored, {args.db} agencies)  {db_seconds:7.3f} s"
              f"  (target < {TARGET_SECONDS:g} s)")

    from scoring.integrity import screen_cycle
    from scoring.result import score_cycle
    from tests.synthetic.integrity import planted_cycle

    cycle = planted_cycle(n_agencies=args.agencies, share=0.1, n_questions=args.questions)
    result = cycle.result
    print(
        f"cycle: {args.agencies} agencies, {len(result.matrix.questions)} scored questions, "
        f"{len(cycle.evidence)} evidence items, {len(cycle.planted)} planted"
    )

    report = screen_cycle(result, cycle.evidence, cycle.period)
    planted = set(cycle.planted)
    others = set(result.agencies) - planted
    flagged = report.flagged()
    print(
        f"flagged: {len(planted & flagged) / len(planted):.1%} of planted, "
        f"{len(others & flagged) / len(others):.2%} of the others; {len(report.flags)} flags"
    )

    screens = best(lambda: screen_cycle(result, cycle.evidence, cycle.period), args.repeats)

    def both() -> None:
        scored = score_cycle(result.framework, result.matrix, result.previous)
        screen_cycle(scored, cycle.evidence, cycle.period)

    total = best(both, args.repeats)
    print(f"screens        {screens:7.3f} s")
    print(f"score+screens  {total:7.3f} s  (target < {TARGET_SECONDS:g} s)")
    url_screen, url_reference, n_urls = url_evidence(list(result.agencies), args.repeats)
    print(f"URL evidence   {url_screen:7.3f} s  the shared-URL screen over {n_urls} web addresses "
          f"({URLS_PER_AGENCY} an agency); {url_reference:.3f} s comparing them through urlsplit")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    import django

    django.setup()
    from phrom.results.integrity import document_dates
    from tests.results.integrity_world import docx_dated, pdf_dated

    pdf, docx = pdf_dated(2015), docx_dated("2019-03-04T05:06:07Z", "2020-01-02T00:00:00Z")
    n = 500
    per_pdf = best(lambda: [document_dates(pdf) for _ in range(n)], args.repeats) / n
    per_docx = best(lambda: [document_dates(docx) for _ in range(n)], args.repeats) / n
    print(f"file dates     {per_pdf * 1e3:7.3f} ms per PDF, {per_docx * 1e3:.3f} ms per OOXML file")
    if args.check and (total >= TARGET_SECONDS or db_seconds >= TARGET_SECONDS):
        print("target missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
