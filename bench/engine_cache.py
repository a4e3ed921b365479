"""Diagnostic: the engine's compiled pass against the floor's product as the cycle grows.

Run: .venv/bin/python bench/engine_cache.py [--sizes 1000,2500,5000,10000,20000]

For each number of agencies (200 questions, the synthetic cycle of bench_engine.py), the
compiled pass (conditions, indicators, dimensions, totals: the one generated for the
framework, as the engine runs it, and the generic one, for reference) and the floor's
product ``scores @ weights`` are timed in alternation, each on one thread (so that neither's
threads get in the other's way), as the best of 100 calls, and printed per agency. Both
read the same answers; timed in alternation, each finds them where the other left them. So
long as the answers and what the pass reads and writes besides fit in the processor's
cache, the two keep a steady ratio; once they do not, both slow down per agency. The
target of bench_engine.py is not measured here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# one thread for BLAS (the floor), set before numpy loads it; the pass is called on one
# thread directly
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import kernel  # noqa: E402
from scoring.engine import _TINY, _WEIGHT_EPSILON, compile_framework  # noqa: E402
from scoring.synthetic import synthetic_answers, synthetic_framework  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2500,5000,10000,20000")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args(argv)

    fw = synthetic_framework(n_questions=args.questions, n_dimensions=6, seed=0)
    cf = compile_framework(fw)
    plan = kernel.plan_for(cf, _WEIGHT_EPSILON, _TINY)
    generic = kernel._kernel()
    # the pass generated for the framework (scoring.kernel_gen), as the engine runs it on
    # one thread
    generated = kernel._generated(plan)
    serial = kernel._driver(kernel._generated_serial, parallel=False)
    quiet = kernel._not_published()
    weights = np.ascontiguousarray(cf.weight)
    print(f"{'agencies':>9s} {'answers MB':>11s} {'pass ns/agency':>15s} "
          f"{'generic ns/agency':>18s} {'floor ns/agency':>16s} {'ratio':>6s}")
    for n in (int(x) for x in args.sizes.split(",")):
        matrix = synthetic_answers(fw, n, seed=1)
        scores = matrix.scores
        assert scores is not None
        arrays, (_, _, raw, scaled, total) = kernel._pass_args(
            plan, fw.scale, True, False, n, keep_raw=False
        )
        st, vt, nat = kernel._inputs(scores.T, matrix.values.T, matrix.not_applicable.T)

        call = (generated.address, n, st, vt, nat, float(fw.scale), raw, scaled, total)

        def run(call: tuple[object, ...] = call) -> None:
            serial(*call, True, False, *quiet)

        run()
        generic(st, vt, nat, 0, n, *arrays)
        best_pass = best_generic = best_floor = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            run()
            best_pass = min(best_pass, time.perf_counter() - start)
            start = time.perf_counter()
            generic(st, vt, nat, 0, n, *arrays)
            best_generic = min(best_generic, time.perf_counter() - start)
            start = time.perf_counter()
            _ = scores @ weights
            best_floor = min(best_floor, time.perf_counter() - start)
        print(
            f"{n:9,d} {scores.nbytes / 2**20:11.1f} {best_pass / n * 1e9:15.1f} "
            f"{best_generic / n * 1e9:18.1f} {best_floor / n * 1e9:16.1f} "
            f"{best_pass / best_floor:6.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
