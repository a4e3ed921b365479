"""Benchmark: the Excel export of a cycle's answers, peak memory (issue 14 point 7).

Run: .venv/bin/python bench/bench_export.py [--answers 300000] [--kind answers]
     [--database-url URL] [--verify] [--check]

In a temporary folder (its own SQLite database, or --database-url, e.g. a fresh
PostgreSQL database), a first process builds a cycle of synthetic agencies answering
th-2564 (phrom.demo.scale.create_scale_cycle), as many as give --answers answers, and
gives a tenth of the answers a reviewer's verdict with a verified value and a fifth a Thai
explanation. Then, each in a fresh process:
  baseline  Django set up and the export's modules and openpyxl imported, nothing run:
            the least memory a worker process holds;
  export    what the task worker does with one export (phrom.exports.services.export_run):
            the rows streamed from the database into an .xlsx file written by openpyxl in
            write-only mode, stored through Django's storage.
Each reports its peak resident memory (resource.getrusage ru_maxrss of its own process),
wall and CPU time. --verify reopens the workbook (in this process) and counts its rows.

Target: the export's peak memory under 300 MB. With --check the script exits with status 1
when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TARGET_MB = 300.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def build(answers: int) -> dict[str, object]:
    """A cycle with at least ANSWERS answers, some verified and explained."""
    _setup()
    from django.core.management import call_command
    from django.db.models import F

    call_command("migrate", interactive=False, verbosity=0)
    from phrom.demo.generate import draw_response, readiness_pair, seeded_rng
    from phrom.demo.scale import create_scale_cycle
    from phrom.frameworks.models import spec_of_text
    from phrom.frameworks.shipped import resolve_framework_path
    from phrom.responses.models import Answer
    from phrom.reviews.models import Verdict

    path = resolve_framework_path("th-2564")
    spec = spec_of_text(Path(path).read_text(encoding="utf-8"), "th-2564.yaml")
    sample = 200
    per_agency = sum(
        len(draw_response(spec, readiness_pair(1, f"x{i}")[1], seeded_rng(1, "scale", f"x{i}")))
        for i in range(sample)) / sample
    agencies = math.ceil(answers / per_agency * 1.02)
    started = time.perf_counter()
    cycle = create_scale_cycle(agencies=agencies, code=f"export-{answers}")
    rows = Answer.objects.filter(response__cycle=cycle)
    rows.annotate(m=F("id") % 5).filter(m=0).update(
        explanation="เอกสารแนบตามคำสั่งแต่งตั้งคณะทำงานด้านดิจิทัล =ไม่ใช่สูตร")
    batch: list[Verdict] = []
    for response_id, question, value in rows.annotate(m=F("id") % 10).filter(m=0).values_list(
            "response_id", "question", "value").iterator(chunk_size=5000):
        batch.append(Verdict(response_id=response_id, question=question, verdict="verified",
                             comment="ตรวจแล้ว", has_verified_value=True, verified_value=value,
                             reason="ตรงตามหลักฐาน", version=1))
        if len(batch) >= 5000:
            Verdict.objects.bulk_create(batch)
            batch = []
    Verdict.objects.bulk_create(batch)
    return {"cycle": cycle.code, "agencies": agencies, "answers": rows.count(),
            "verdicts": Verdict.objects.filter(response__cycle=cycle).count(),
            "build_s": round(time.perf_counter() - started, 1)}


def baseline() -> dict[str, object]:
    _setup()
    import openpyxl  # noqa: F401

    import phrom.exports.selectors  # noqa: F401
    import phrom.exports.services  # noqa: F401
    import phrom.exports.workbooks  # noqa: F401
    from phrom.responses.models import Answer

    Answer.objects.exists()
    return {"peak_mb": round(_peak_mb(), 1)}


def export(cycle_code: str, kind: str) -> dict[str, object]:
    _setup()
    from phrom.exports.models import Export
    from phrom.exports.services import export_run
    from phrom.frameworks.models import Cycle

    cycle = Cycle.objects.get(code=cycle_code)
    job = Export.objects.create(cycle=cycle, kind=kind)
    wall, cpu = time.perf_counter(), time.process_time()
    done = export_run(export_id=job.pk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert done is not None
    if done.status != "complete":
        raise SystemExit(f"the export failed: {done.error}")
    return {"peak_mb": round(_peak_mb(), 1), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "rows": done.done, "size_mb": round(done.size / 2**20, 1), "path": done.file.path}


def _child(env: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], env=env,
                          capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}{done.stdout[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--kind", default="answers",
                        choices=["answers", "evidence", "reviews", "results"])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step = args.child[0]
        if step == "build":
            print(json.dumps(build(int(args.child[1]))))
        elif step == "baseline":
            print(json.dumps(baseline()))
        else:
            print(json.dumps(export(args.child[1], args.child[2])))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PHROM_DATA_DIR=tmp, OPENBLAS_NUM_THREADS="1",
                   DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3")
        built = _child(env, "build", str(args.answers))
        print(f"built {built['cycle']}: {built['agencies']:,} agencies, "
              f"{built['answers']:,} answers, {built['verdicts']:,} verdicts "
              f"in {built['build_s']} s")
        floor = _child(env, "baseline")
        result = _child(env, "export", str(built["cycle"]), args.kind)
        print(f"baseline (Django and the export's modules loaded): peak {floor['peak_mb']} MB")
        print(f"{args.kind} export: {result['rows']:,} rows, {result['size_mb']} MB .xlsx, "
              f"wall {result['wall_s']} s, CPU {result['cpu_s']} s, "
              f"peak memory {result['peak_mb']} MB (target < {TARGET_MB:.0f} MB)")
        if args.verify:
            from openpyxl import load_workbook

            workbook = load_workbook(str(result["path"]), read_only=True)
            counts = {ws.title: sum(1 for _ in ws.iter_rows(values_only=True)) - 1
                      for ws in workbook.worksheets}
            print(f"reopened: rows per sheet {counts}")
    if args.check and float(result["peak_mb"]) >= TARGET_MB:  # type: ignore[arg-type]
        print("FAIL: the peak memory is not under the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
