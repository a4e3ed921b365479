"""Benchmark: every scorecard PDF of a cycle as one background batch (issue 14 point 8).

Run: .venv/bin/python bench/bench_scorecard_batch.py [--agencies 2000] [--published]
     [--database-url URL] [--check]

In a temporary folder (its own SQLite database, or --database-url), a first process builds
a cycle of --agencies synthetic agencies answering th-2564
(phrom.demo.scale.create_scale_cycle); with --published it also publishes the cycle
(phrom.publications.services.publish_results), so that the batch reads the stored figures
as it does for a published cycle. Then a fresh process does what the task worker does with
one "every scorecard" export (phrom.exports.services.export_run): each agency's scorecard
(phrom.reports.scorecard + WeasyPrint, phrom.reports.pdf) written into one ZIP file as it
goes, stored through Django's storage. It reports the wall and CPU time, the time per
scorecard, the peak memory and the archive's size, and checks that the archive holds one PDF
per agency.

Target: a 2,000-agency cycle in under 15 minutes (900 s) of wall time on this machine's 2
cores (the batch runs in one worker process). With fewer --agencies the time is also given
scaled to 2,000 at the same time per scorecard. With --check the script exits with status 1
when the (scaled) time misses the target.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TARGET_SECONDS = 900.0
TARGET_AGENCIES = 2000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    import django

    django.setup()


def build(agencies: int, published: bool) -> dict[str, object]:
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from phrom.demo.scale import create_scale_cycle
    from phrom.frameworks.models import Cycle, CycleStatus

    started = time.perf_counter()
    cycle = create_scale_cycle(agencies=agencies, code=f"batch-{agencies}")
    if published:
        from phrom.publications.services import publish_results

        publish_results(cycle=cycle)
        Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    return {"cycle": cycle.code, "build_s": round(time.perf_counter() - started, 1)}


def batch(cycle_code: str) -> dict[str, object]:
    _setup()
    from phrom.exports.models import Export
    from phrom.exports.services import export_run
    from phrom.frameworks.models import Cycle

    cycle = Cycle.objects.get(code=cycle_code)
    job = Export.objects.create(cycle=cycle, kind="scorecards")

    def cpu_time() -> float:  # this process's and its finished children's (the renderers)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    wall, cpu = time.perf_counter(), cpu_time()
    done = export_run(export_id=job.pk)
    wall, cpu = time.perf_counter() - wall, cpu_time() - cpu
    assert done is not None
    if done.status != "complete":
        raise SystemExit(f"the batch failed: {done.error}")
    with zipfile.ZipFile(done.file.path) as archive:
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert all(archive.read(n).startswith(b"%PDF") for n in pdfs[:5])
    from phrom.exports.services import batch_processes

    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "pdfs": len(pdfs),
            "processes": batch_processes(),
            "total": done.total, "problems": done.problems,
            "size_mb": round(done.size / 2**20, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _child(env: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], env=env,
                          capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}{done.stdout[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=TARGET_AGENCIES)
    parser.add_argument("--published", action="store_true")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "build":
            print(json.dumps(build(int(args.child[1]), args.child[2] == "published")))
        else:
            print(json.dumps(batch(args.child[1])))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PHROM_DATA_DIR=tmp, OPENBLAS_NUM_THREADS="1",
                   DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3")
        built = _child(env, "build", str(args.agencies),
                       "published" if args.published else "current")
        print(f"built {built['cycle']} ({args.agencies:,} agencies"
              f"{', published' if args.published else ''}) in {built['build_s']} s")
        result = _child(env, "batch", str(built["cycle"]))
    wall, cpu, pdfs = float(result["wall_s"]), float(result["cpu_s"]), int(result["pdfs"])  # type: ignore[arg-type]
    processes = int(result["processes"])  # type: ignore[call-overload]
    scaled = wall / max(pdfs, 1) * TARGET_AGENCIES
    idle = cpu / max(pdfs, 1) * TARGET_AGENCIES / processes
    print(f"every scorecard: {pdfs:,} PDFs of {result['total']:,} agencies in one "
          f"{result['size_mb']} MB ZIP by {processes} processes; wall {wall:.1f} s, "
          f"CPU {cpu:.1f} s (all processes), {wall / max(pdfs, 1):.3f} s wall and "
          f"{cpu / max(pdfs, 1):.3f} s CPU per scorecard, "
          f"peak memory {result['peak_mb']} MB (the writing process)")
    if result["problems"]:
        print(f"problems: {result['problems']}")
    label = "" if pdfs == TARGET_AGENCIES else f" (scaled to {TARGET_AGENCIES:,} agencies)"
    print(f"{TARGET_AGENCIES:,} scorecards: {scaled:.0f} s wall{label}; "
          f"{idle:.0f} s on {processes} idle cores at the CPU time measured "
          f"(target < {TARGET_SECONDS:.0f} s)")
    if args.check and (pdfs != result["total"] or scaled >= TARGET_SECONDS):
        print("FAIL: a scorecard is missing or the time is not under the target",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
