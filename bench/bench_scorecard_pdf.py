"""Benchmark: one agency's scorecard PDF (issue 14 point 8).

Run: .venv/bin/python bench/bench_scorecard_pdf.py [--agencies 300] [--repeats 10]
     [--out scorecard.pdf] [--check]

A cycle of --agencies synthetic agencies answering th-2564
(phrom.demo.scale.create_scale_cycle) in a SQLite database in a temporary folder, scored
once (phrom.results.selectors.scored_cycle, as the view reads it). Then, --repeats times
in this process, one agency's scorecard: its context (phrom.reports.scorecard) and its
PDF typeset by WeasyPrint with the Sarabun fonts (phrom.reports.pdf), timed with
time.perf_counter (wall) and time.process_time (this process's CPU); best and median
printed. --out also writes the last PDF.

Target: the best wall time under 0.5 s (the best, as the other benches: on a shared
machine the median measures the neighbours' load too). With --check the script exits with
status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 0.5


def run(agencies: int, repeats: int, out: Path | None) -> list[float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phrom.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from phrom.demo.scale import create_scale_cycle
    from phrom.reports.pdf import scorecard_pdf
    from phrom.reports.scorecard import scorecard_context
    from phrom.results.selectors import scored_cycle

    cycle = create_scale_cycle(agencies=agencies, code=f"scorecard-{agencies}")
    scored = scored_cycle(cycle=cycle)
    agency = sorted(scored.agencies)[0]
    times, cpu, pdf = [], [], b""
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf = scorecard_pdf(scorecard_context(scored=scored, agency=agency, language="th"))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    if out is not None:
        out.write_bytes(pdf)
    print(f"scorecard PDF of {agency} ({agencies} agencies, {len(pdf):,} bytes): "
          f"best {min(times):.3f} s, median {statistics.median(times):.3f} s "
          f"over {repeats} runs; CPU best {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s "
          f"(target best < {TARGET_SECONDS} s)")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["PHROM_DATA_DIR"] = tmp
        times = run(args.agencies, args.repeats, args.out)
    if args.check and min(times) >= TARGET_SECONDS:
        print("FAIL: the best time is not under the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
