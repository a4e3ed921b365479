"""``phrom score-file`` on a 10,000-agency th-2564 spreadsheet, as a user runs it.

Run: .venv/bin/python bench/bench_score_file.py [--agencies 10000] [--repeats 3] [--check]

Writes a spreadsheet of answers (one row per agency, one column per question of th-2564,
answers written the ways people write them: yes/no words in English and Thai, option codes,
multiple choices separated by ';', numbers with thousands separators, percentages with '%',
'n/a', empty cells) to bench/out/, then runs ``phrom score-file --framework th-2564
--answers ... --out ...`` in a new process each repeat (after one run that leaves Python's
compiled modules in place, as an installed Phrom has them) and reports the best wall time,
the CPU time and the largest peak memory (the child's maximum resident set size).
Target: under 1.5 s and under 200 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
TARGET_SECONDS = 1.5
TARGET_MB = 200.0


def _cell(question: object, readiness: float, rng: random.Random) -> str:
    """A plausible cell for one question around an agency's ``readiness`` (0..1)."""
    from scoring.model import Question, QuestionType

    assert isinstance(question, Question)
    t = question.type
    if question.allow_na and rng.random() < 0.04:
        return rng.choice(("n/a", "NA", "ไม่เกี่ยวข้อง"))
    if rng.random() < 0.03:
        return ""
    r = min(1.0, max(0.0, rng.gauss(readiness, 0.16)))
    if t is QuestionType.YES_NO:
        yes = rng.random() < readiness
        return rng.choice(("yes", "Yes", "ใช่", "1")) if yes else rng.choice(("no", "No", "ไม่ใช่", "0"))
    if t is QuestionType.SINGLE_CHOICE:
        ordered = sorted(question.options, key=lambda o: o.points)
        return ordered[min(len(ordered) - 1, int(r * len(ordered)))].code
    if t is QuestionType.MULTIPLE_CHOICE:
        chosen = [o.code for o in question.options if rng.random() < r]
        return ";".join(chosen) if chosen else "none"
    if t is QuestionType.MATURITY:
        return str(min(5, max(0, round(r * 5 + rng.gauss(0, 0.4)))))
    if t is QuestionType.PERCENTAGE:
        value = round(100 * r, 1)
        return f"{value}%" if rng.random() < 0.3 else str(value)
    if t is QuestionType.NUMBER:
        high = question.maximum if question.maximum is not None else 5000.0
        low = question.minimum if question.minimum is not None else 0.0
        value = round(low + r * (high - low))
        return f"{value:,}" if rng.random() < 0.3 else str(value)
    if t is QuestionType.URL:
        return f"https://www.example.go.th/{question.code.lower()}"
    if t is QuestionType.TEXT:
        return "ดำเนินการตามแผนพัฒนารัฐบาลดิจิทัลของหน่วยงาน"
    return ""


def write_answers(path: Path, agencies: int, seed: int = 2564) -> None:
    """A th-2564 answers spreadsheet of ``agencies`` rows."""
    from phrom.frameworks.shipped import resolve_framework_path
    from scoring.loader import load_framework

    spec = load_framework(resolve_framework_path("th-2564"))
    questions = [q for q in spec.questions if q.type.value != "file"]
    groups = [g.code for g in spec.peer_groups]
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["agency", "name", "group", *(q.code for q in questions)])
        for i in range(agencies):
            readiness = min(0.97, max(0.2, rng.betavariate(5.0, 2.2)))
            writer.writerow([
                f"AG{i:05d}", f"หน่วยงานที่ {i + 1}", groups[i % len(groups)],
                *(_cell(q, readiness, rng) for q in questions),
            ])
    tmp.replace(path)


def run_once(answers: Path, results: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MB) of one ``phrom score-file`` in a new
    process."""
    command = [
        sys.executable, "-m", "phrom.cli", "score-file", "--framework", "th-2564",
        "--answers", str(answers), "--out", str(results),
    ]
    # A fresh interpreter per run: its maximum resident set size is this run's alone.
    probe = (
        "import resource, subprocess, sys, time\n"
        "t0 = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t0\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "if done.returncode:\n"
        "    sys.stderr.write(done.stderr)\n"
        "    sys.exit(done.returncode)\n"
        "print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)\n"
    )
    # As installed, Python keeps compiled modules; this environment may ask it not to
    # (PYTHONDONTWRITEBYTECODE), which would time compiling Phrom's source on every run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, cwd=REPO,
        env=env,
    )
    if done.returncode:
        raise SystemExit(f"phrom score-file failed (exit {done.returncode}):\n{done.stderr}")
    wall, cpu, peak_kb = done.stdout.split()
    return float(wall), float(cpu), float(peak_kb) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))

    answers = OUT / f"answers-th-2564-{args.agencies}.csv"
    if not answers.exists():
        t0 = time.perf_counter()
        write_answers(answers, args.agencies)
        print(f"wrote {answers.relative_to(REPO)} in {time.perf_counter() - t0:.1f} s")
    size_mb = answers.stat().st_size / 1e6
    results = OUT / f"results-th-2564-{args.agencies}.csv"

    run_once(answers, results)  # the first run after a change compiles the modules
    walls, cpus, peaks = [], [], []
    for _ in range(args.repeats):
        wall, cpu, peak = run_once(answers, results)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    best, peak = min(walls), max(peaks)
    print(f"phrom score-file --framework th-2564, {args.agencies:,} agencies "
          f"({size_mb:.1f} MB CSV), new process each run, {args.repeats} runs, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  wall time   best {best:.2f} s   all {', '.join(f'{w:.2f}' for w in walls)}"
          f"   target < {TARGET_SECONDS} s")
    # CPU time (user + system) depends far less on what else the machine runs
    print(f"  CPU time    best {min(cpus):.2f} s   all {', '.join(f'{c:.2f}' for c in cpus)}")
    print(f"  peak memory max {peak:.0f} MB   all {', '.join(f'{p:.0f}' for p in peaks)}"
          f"   target < {TARGET_MB:.0f} MB")
    met = best < TARGET_SECONDS and peak < TARGET_MB
    print("  targets met" if met else "  TARGET MISSED")
    if args.check and not met:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
