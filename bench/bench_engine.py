"""Benchmark: the scoring engine against a numpy floor and a plain pandas pipeline.

Run: .venv/bin/python bench/bench_engine.py [--agencies 10000] [--questions 200] [--check]

The same synthetic cycle (scoring.synthetic: every scored question type, not-applicable
answers, conditions, unanswered questions, five peer groups, a previous cycle) is scored
three ways, each timed as the best of several repeats with time.perf_counter:

(a) floor   one weighted sum over the answers, ``scores @ weights`` (BLAS, may use every
            core): the least any vectorised scoring of these arrays can cost. ``scores``
            is the engine's encoding of the answers (``AnswerMatrix.scores``, float64
            agencies x questions: each cell's question score on 0..1 as answered, 0 where
            unanswered or not applicable, before conditions), which ``encode_answers`` and
            ``synthetic_answers`` make while they check the answers; the floor reads the
            very array the engine reads. Neither (a) nor (b) times the encoding; its cost
            (``answer_scores`` from ``values``) is printed on its own, for reference.
    (a')    ``(scores * weights).sum(axis=1)``: the same sum without BLAS (one thread),
            for reference only; the target is against (a).
(b) engine  scoring.engine.score_cycle on the AnswerMatrix with previous totals (the compiled
            pass generated for the framework, scoring.kernel_gen, on every core):
            conditions, not-applicable and hidden-excluded re-weighting, indicators,
            dimensions, totals, rounding, bands, ranks, group ranks, gains and every award
            with its near misses. (a) and (b) are timed in alternating rounds, so that both
            see the same machine load; in each round its side first runs untimed for a
            moment (``settled_best``): both run on worker threads that keep spinning after
            a call, BLAS's for longer, and an engine call right after a product shares the
            cores with them. The figures timed right after one another are printed too.
(c) pandas  what an analyst would write: a long table (agency, question, dimension,
            points, weight) -> points by question type -> groupby weighted means per
            indicator, dimension, total -> rank(method="min") -> awards by sorting. Its
            totals are checked against the engine's, so both do the same work.

Targets: engine within 3x of the floor (a), and at least 5x faster than pandas. With
--check the script exits with status 1 when a target is missed. The stages of the engine
are timed each on its own (so they need not add up to (b) exactly), among them the floor's
own sum compiled the way the engine's pass is (numba, blocks of agencies, ``prange``), which
tells the cost of the compiler and threads from the cost of the pass's work; when the 3x
target is missed the script says what remains and why. bench/engine_cache.py compares the
pass with the floor at several sizes.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.answers import AnswerMatrix  # noqa: E402
from scoring.engine import (  # noqa: E402
    CompiledFramework,
    CycleResult,
    compile_framework,
    score_cycle,
)
from scoring.model import Framework, QuestionType  # noqa: E402
from scoring.synthetic import (  # noqa: E402
    synthetic_answers,
    synthetic_framework,
    synthetic_previous,
)

FLOOR_TARGET = 3.0
PANDAS_TARGET = 5.0


def best_of(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# Seconds each side of a comparison runs untimed before its timed calls (see settled_best):
# longer than OpenBLAS's worker threads keep spinning after a product (2**28 processor
# cycles by default, about 0.1 s).
SETTLE = 0.15


def settled_best(fn: Callable[[], object], repeats: int, settle: float = SETTLE) -> float:
    """The best of ``repeats`` calls of ``fn`` after calling it, untimed, for ``settle``
    seconds: each side timed in its steady state, its own threads awake, whatever ran
    before it gone quiet.

    Both the floor (BLAS) and the engine (numba on OpenMP) run on worker threads that
    keep spinning on the cores for a while after each call. OpenBLAS's spin for longer:
    measured here, an engine call right after a product took 2.6-4 ms, the next ones
    0.8-1.1 ms, and their median stayed a third above the engine's usual time for the
    next 40 calls (30 ms), as the spinning BLAS thread and the engine's second thread
    shared a core. Timing one right after the other measures that contention, not
    either side."""
    end = time.perf_counter() + settle
    while time.perf_counter() < end:
        fn()
    return best_of(fn, repeats)


def compiled_weighted_sum(st: np.ndarray, weights: np.ndarray) -> Callable[[], object]:
    """The floor's weighted sum compiled as the engine's kernel is (numba, the agencies
    split between the cores by ``prange``, blocks of agencies, four question columns per
    loop): what the compiler and the threads give for the sum alone, so that the
    kernel's distance from the floor can be told from the work it does besides."""
    import numba

    from scoring import kernel
    from scoring.kernel import BLOCK

    @numba.njit(nogil=True, error_model="numpy")
    def block_sum(st, w, out, lo, hi):  # type: ignore[no-untyped-def]
        q = st.shape[0]
        acc = np.empty(BLOCK)
        for a in range(lo, hi, BLOCK):
            b = min(a + BLOCK, hi)
            m = b - a
            for c in range(m):
                acc[c] = 0.0
            j = 0
            while j + 3 < q:
                r0, r1, r2, r3 = st[j][a:b], st[j + 1][a:b], st[j + 2][a:b], st[j + 3][a:b]
                w0, w1, w2, w3 = w[j], w[j + 1], w[j + 2], w[j + 3]
                for c in range(m):
                    acc[c] += (w0 * r0[c] + w1 * r1[c]) + (w2 * r2[c] + w3 * r3[c])
                j += 4
            while j < q:
                r0 = st[j][a:b]
                for c in range(m):
                    acc[c] += w[j] * r0[c]
                j += 1
            o = out[a:b]
            for c in range(m):
                o[c] = acc[c]

    @numba.njit(parallel=True, nogil=True)
    def chunks(st, w, out, starts, stops):  # type: ignore[no-untyped-def]
        for t in numba.prange(starts.shape[0]):
            block_sum(st, w, out, starts[t], stops[t])

    n = st.shape[1]
    # the engine's own split of the agencies between the threads (one range when small)
    ranges = kernel._chunks(n)
    starts, stops = ranges if ranges else (np.zeros(1, np.int64), np.full(1, n, np.int64))
    out = np.empty(n)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    chunks(st, w, out, starts, stops)
    assert np.allclose(out, st.T @ w)
    return lambda: chunks(st, w, out, starts, stops)


# --------------------------------------------------------------------------- pandas


def long_table(fw: Framework, cf: CompiledFramework, matrix: AnswerMatrix):  # type: ignore[no-untyped-def]
    """The analyst's input: one row per agency and question (built before timing)."""
    import pandas as pd

    n, q = matrix.values.shape
    answers = pd.DataFrame(
        {
            "agency": np.repeat(np.array(matrix.agencies, dtype=object), q),
            "question": np.tile(np.array(cf.codes, dtype=object), n),
            "value": np.ascontiguousarray(matrix.values).ravel(),
            "na": np.ascontiguousarray(matrix.not_applicable).ravel(),
        }
    )
    meta_rows = []
    options_rows = []
    threshold_rows = []
    for dim in fw.dimensions:
        for ind in dim.indicators:
            for qq in ind.questions:
                if qq.code not in cf.column:
                    continue
                cond = qq.condition
                meta_rows.append(
                    {
                        "question": qq.code,
                        "type": qq.type.value,
                        "weight": qq.weight,
                        "indicator": ind.code,
                        "indicator_weight": ind.weight,
                        "dimension": dim.code,
                        "dimension_weight": dim.weight,
                        "max_points": qq.max_points,
                        "cap": qq.cap if qq.cap is not None else np.inf,
                        "minimum": qq.minimum if qq.minimum is not None else 0.0,
                        "maximum": qq.maximum if qq.maximum is not None else 100.0,
                        "has_thresholds": bool(qq.thresholds),
                        "allow_na": qq.allow_na,
                        "gate": cond.question if cond else None,
                        "gate_equals": (1.0 if cond.equals else 0.0) if cond else np.nan,
                        "exclude_hidden": qq.when_hidden == "exclude",
                    }
                )
                for k, o in enumerate(qq.options):
                    options_rows.append(
                        {"question": qq.code, "option": k, "bit": 1 << k, "points": o.points}
                    )
                for th in qq.thresholds:
                    threshold_rows.append(
                        {"question": qq.code, "at_least": th.at_least, "points": th.points}
                    )
    return (
        answers,
        pd.DataFrame(meta_rows),
        pd.DataFrame(options_rows),
        pd.DataFrame(threshold_rows),
    )


def pandas_pipeline(fw, answers, meta, options, thresholds, previous, groups):  # type: ignore[no-untyped-def]
    import pandas as pd

    df = answers.merge(meta, on="question", how="left")
    value = df["value"]
    kind = df["type"]
    points = pd.Series(0.0, index=df.index)
    # yes/no, maturity: the value is the points
    simple = kind.isin(["yes_no", "maturity"])
    points[simple] = value[simple]
    # percentage and number without thresholds: linear
    linear = kind.isin(["percentage", "number"]) & ~df["has_thresholds"]
    span = df["maximum"] - df["minimum"]
    points[linear] = ((value - df["minimum"]) / span).clip(0, 1)[linear]
    # single choice: look the option up
    single = df[kind == "single_choice"][["agency", "question", "value"]].dropna()
    single = single.merge(
        options, left_on=["question", "value"], right_on=["question", "option"], how="left"
    )
    single_points = single.set_index(["agency", "question"])["points"].clip(lower=0)
    # multiple choice: sum the options whose bit is set, capped
    multi = df[kind == "multiple_choice"][["agency", "question", "value", "cap"]].dropna()
    multi = multi.merge(options, on="question")
    chosen = (multi["value"].astype(np.int64) & multi["bit"]) != 0
    multi_points = multi[chosen].groupby(["agency", "question"])["points"].sum()
    caps = multi.drop_duplicates(["agency", "question"]).set_index(["agency", "question"])["cap"]
    multi_points = np.minimum(multi_points, caps.reindex(multi_points.index)).clip(lower=0)
    # thresholds: the points of the highest threshold reached
    thr = df[df["has_thresholds"]][["agency", "question", "value"]].dropna()
    thr = thr.merge(thresholds, on="question")
    thr = thr[thr["value"] >= thr["at_least"]].sort_values("at_least")
    thr_points = thr.groupby(["agency", "question"])["points"].last()
    looked_up = pd.concat([single_points, multi_points, thr_points])
    key = pd.MultiIndex.from_arrays([df["agency"], df["question"]])
    from_lookup = looked_up.reindex(key).to_numpy()
    has_lookup = ~np.isnan(from_lookup)
    points = points.where(~has_lookup, from_lookup)
    points = points.fillna(0.0)
    df["score"] = np.where(df["max_points"] > 0, points / df["max_points"], 0.0)
    df.loc[kind == "single_choice", "score"] = df["score"].clip(lower=0)
    # conditions: the gate's answer decides whether the question is shown
    gates = answers[["agency", "question", "value", "na"]].rename(
        columns={"question": "gate", "value": "gate_value", "na": "gate_na"}
    )
    df = df.merge(gates, on=["agency", "gate"], how="left")
    shown = df["gate"].isna() | (
        (df["gate_value"] == df["gate_equals"]) & ~df["gate_na"].fillna(False).astype(bool)
    )
    # a gate that is itself hidden hides its dependents
    gate_shown = (
        df[["agency", "question"]]
        .assign(shown=shown)
        .rename(columns={"question": "gate", "shown": "gate_shown"})
    )
    df = df.merge(gate_shown, on=["agency", "gate"], how="left")
    shown = shown & df["gate_shown"].fillna(True).astype(bool)
    df["score"] = df["score"].where(shown, 0.0)
    excluded = (df["na"] & shown) | (~shown & df["exclude_hidden"])
    df["w"] = np.where(excluded, 0.0, df["weight"])
    df["ws"] = df["w"] * df["score"]
    ind = df.groupby(["agency", "indicator"], sort=False).agg(
        ws=("ws", "sum"),
        w=("w", "sum"),
        dimension=("dimension", "first"),
        iw=("indicator_weight", "first"),
        dw=("dimension_weight", "first"),
    )
    ind = ind[ind["w"] > 1e-12].copy()
    ind["score"] = ind["ws"] / ind["w"]
    ind["iws"] = ind["iw"] * ind["score"]
    dim = ind.groupby(["agency", "dimension"], sort=False).agg(
        iws=("iws", "sum"), iw=("iw", "sum"), dw=("dw", "first")
    )
    dim["score"] = dim["iws"] / dim["iw"] * fw.scale
    dim["dws"] = dim["dw"] * dim["score"]
    total = dim.groupby(level="agency", sort=False).agg(dws=("dws", "sum"), dw=("dw", "sum"))
    result = pd.DataFrame({"total": total["dws"] / total["dw"]})
    factor = 10.0**fw.precision
    result["published"] = np.floor(result["total"] * factor + 0.5 + 1e-9) / factor
    result["rank"] = result["published"].rank(method="min", ascending=False)
    result["group"] = groups.reindex(result.index)
    result["group_rank"] = result.groupby("group")["published"].rank(method="min", ascending=False)
    minima = sorted(b.minimum for b in fw.bands)
    result["band"] = pd.cut(result["published"], bins=[*minima, np.inf], right=False)
    result["previous"] = previous.reindex(result.index)
    result["gain"] = (result["published"] - result["previous"]).round(6)
    published_dims = (np.floor(dim["score"] * factor + 0.5 + 1e-9) / factor).unstack()
    awards = {}
    for rule in fw.awards:
        if rule.kind == "top_total":
            ranked = result.sort_values(["published"], ascending=False)
            awards[rule.code] = ranked.groupby("group").head(rule.top + rule.near_misses)
        elif rule.kind == "top_gain":
            ok = result[(result["published"] >= (rule.floor or 0)) & result["gain"].notna()]
            awards[rule.code] = ok.sort_values(["gain", "published"], ascending=False).head(
                rule.top + rule.near_misses
            )
        else:
            awards[rule.code] = {
                d: published_dims[d].nlargest(rule.top + rule.near_misses, keep="all")
                for d in published_dims.columns
            }
    return result, awards


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--pandas-repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    fw = synthetic_framework(n_questions=args.questions, n_dimensions=6, seed=0)
    matrix = synthetic_answers(fw, args.agencies, seed=1)
    previous = synthetic_previous(score_cycle(fw, matrix), seed=2)
    cf = compile_framework(fw)
    types = {t.value: 0 for t in QuestionType}
    for question in cf.questions:
        types[question.type.value] += 1
    print(
        f"cycle: {args.agencies:,} agencies x {len(cf.codes)} scored questions "
        f"({', '.join(f'{k} {v}' for k, v in types.items() if v)}); "
        f"{np.isnan(matrix.values).mean():.1%} cells unanswered, "
        f"{matrix.not_applicable.mean():.1%} not applicable, {len(cf.conditions)} conditional"
    )
    blas = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    print(f"numpy {np.__version__}; thread settings: {blas or 'none set'}")

    weights = cf.weight
    scores = matrix.scores
    assert scores is not None and matrix.scores_framework is fw
    values = matrix.values
    # The floor and the engine are timed in alternating rounds, so that both see the same
    # machine load (other processes share the cores); each round lets its side settle
    # first (settled_best).
    floor = engine = floor_values = float("inf")
    for _ in range(args.repeats):
        floor = min(floor, settled_best(lambda: scores @ weights, 4))
        floor_values = min(floor_values, settled_best(lambda: values @ cf.num_weight, 2))
        engine = min(engine, settled_best(lambda: score_cycle(fw, matrix, previous), 3))
    # for reference: each right after the other, no settling (the engine then shares the
    # cores with BLAS's spinning threads)
    floor_close = engine_close = float("inf")
    for _ in range(args.repeats):
        floor_close = min(floor_close, best_of(lambda: scores @ weights, 4))
        engine_close = min(engine_close, best_of(lambda: score_cycle(fw, matrix, previous), 3))
    floor_no_blas = settled_best(lambda: (scores * weights).sum(axis=1), args.repeats)

    def full() -> CycleResult:
        result = score_cycle(fw, matrix, previous)
        _ = result.indicators, result.question_scores, result.bands, result.indicator_gains
        return result

    engine_full = settled_best(full, max(3, args.repeats // 3))
    # the same as (b), not in rounds with (a)
    engine_alone = settled_best(lambda: score_cycle(fw, matrix, previous), args.repeats)

    # where the engine's time goes, stage by stage (each timed on its own)
    from scoring import engine as engine_module
    from scoring.awards import evaluate_awards

    na = matrix.not_applicable
    st, vt, nat = scores.T, values.T, na.T
    last = score_cycle(fw, matrix, previous)
    layout = cf.layout
    assert layout is not None
    products = np.empty((cf.ind_start.size, st.shape[1]))

    def per_indicator_products() -> None:
        for i, a, b, w in layout.gemv:
            np.dot(w, st[a:b], out=products[i])

    from scoring import kernel

    compiled_kernel = engine_module._kernel_ready()
    plan = kernel.plan_for(cf, engine_module._WEIGHT_EPSILON, engine_module._TINY)

    def kernel_one_thread() -> None:
        saved = kernel.MIN_PER_THREAD
        kernel.MIN_PER_THREAD = 1 << 62
        try:
            kernel.indicators_from_scores(
                plan, st, vt, nat, fw.scale, totals=True, indicators=False
            )
        finally:
            kernel.MIN_PER_THREAD = saved

    stages = [
        (
            "encoding (not timed): answer_scores",
            lambda: engine_module.answer_scores(cf, values, na),
        ),
    ]
    if compiled_kernel:
        minima, resolved = engine_module._band_arrays(cf)
        aligned = previous.aligned_totals(matrix.agencies)
        plain_sum = compiled_weighted_sum(st, weights)
        stages += [
            (
                "kernel: conditions, indicators, dims",
                lambda: kernel.indicators_from_scores(
                    plan, st, vt, nat, fw.scale, totals=True, indicators=False
                ),
            ),
            (
                "  and publication (as in (b))",
                lambda: kernel.score_published(
                    plan, st, vt, nat, fw.scale, fw.precision, minima, resolved,
                    matrix.group_ids, aligned, fw.precision, fw.precision,
                ),
            ),
            ("  the kernel on one thread", kernel_one_thread),
            ("  the floor's sum compiled alike", plain_sum),
            (
                "  writing indicator scores out (lazy)",
                lambda: kernel.indicators_from_scores(plan, st, vt, nat, fw.scale, totals=True),
            ),
        ]
    stages += [
        (
            "the same with numpy (no numba)",
            lambda: engine_module.indicators_from_scores(cf, st, vt, nat),
        ),
        ("  of which: one product per indicator", per_indicator_products),
        ("  of which: conditions alone", lambda: engine_module._shown_rows(cf, vt, nat)),
        (
            "publication alone, one thread",
            lambda: engine_module.CycleResult(
                compiled=cf,
                matrix=matrix,
                previous=previous,
                indicator_filled=None,
                indicator_present=None,
                raw_dimensions=last.raw_dimensions,
                dimensions=last.dimensions,
                normalisation=last.normalisation,
                total=last.total,
                awards=False,
                use_kernel=last.compiled_kernels,
            ),
        ),
        (
            "previous totals by agency (kept)",
            lambda: engine_module._aligned(previous.totals, matrix.agencies),
        ),
        ("awards (entries made when read)", lambda: evaluate_awards(last)),
        (
            "question scores (lazy, not in (b))",
            lambda: engine_module.CycleResult.question_scores.func(last),
        ),
    ]
    stage_times = [(label, settled_best(fn, args.repeats)) for label, fn in stages]

    import pandas as pd

    answers, meta, options, thresholds = long_table(fw, cf, matrix)
    prev_series = pd.Series(previous.totals)
    groups = pd.Series(dict(zip(matrix.agencies, matrix.groups, strict=True)))
    holder: dict[str, object] = {}

    def run_pandas() -> None:
        holder["out"] = pandas_pipeline(fw, answers, meta, options, thresholds, prev_series, groups)

    pandas_time = best_of(run_pandas, args.pandas_repeats)

    # both computed the same totals and winners
    result = score_cycle(fw, matrix, previous)
    frame, awards = holder["out"]  # type: ignore[misc]
    pandas_total = frame["total"].reindex(list(result.agencies)).to_numpy()
    difference = float(np.nanmax(np.abs(pandas_total - result.total)))
    same_nan = bool((np.isnan(pandas_total) == np.isnan(result.total)).all())
    gain_award = next(a for a in result.awards if a.kind == "top_gain")
    pandas_gain = list(awards[gain_award.code].index[: len(gain_award.winners)])
    engine_gain = [w.agency for w in gain_award.winners]

    print()
    print(f"{'':44s} {'best (ms)':>10s} {'x floor':>9s}")
    rows = [
        ("(a) floor: scores @ weights (BLAS)", floor),
        ("(a') scores * weights, sum (no BLAS)", floor_no_blas),
        ("    values @ weights (the old floor)", floor_values),
        ("(b) engine: score + rank + awards", engine),
        ("    the same, not in rounds with (a)", engine_alone),
        ("    (b) right after (a) each time, no settling", engine_close),
        ("    (a) right after (b) each time, no settling", floor_close),
        ("    engine + indicators, question scores", engine_full),
        ("(c) pandas: long table -> groupby -> rank", pandas_time),
    ]
    for label, seconds in rows:
        print(f"{label:44s} {seconds * 1e3:10.2f} {seconds / floor:9.1f}")
    print("stages (each alone):")
    for label, seconds in stage_times:
        print(f"    {label:40s} {seconds * 1e3:10.2f} {seconds / floor:9.1f}")
    print()
    print(f"engine / floor  = {engine / floor:6.1f}  (target <= {FLOOR_TARGET:g})")
    print(f"pandas / engine = {pandas_time / engine:6.1f}  (target >= {PANDAS_TARGET:g})")
    print(
        f"pandas and engine totals: max difference {difference:.2e}, same missing: {same_nan}; "
        f"outstanding development winners equal: {pandas_gain == engine_gain}"
    )
    missed = []
    if engine / floor > FLOOR_TARGET:
        missed.append(f"engine is {engine / floor:.1f}x the floor (target {FLOOR_TARGET:g}x)")
    if pandas_time / engine < PANDAS_TARGET:
        missed.append(f"engine is only {pandas_time / engine:.1f}x faster than pandas")
    if difference > 1e-9 or not same_nan or pandas_gain != engine_gain:
        missed.append("pandas and engine disagree")
    for line in missed:
        print(f"MISSED: {line}")
    if engine / floor > FLOOR_TARGET:
        seconds = dict(stage_times)
        ms = {label: t * 1e3 for label, t in seconds.items()}
        kernel_ms = ms.get("kernel: conditions, indicators, dims", math.nan)
        published_ms = ms.get("  and publication (as in (b))", math.nan)
        sum_ms = ms.get("  the floor's sum compiled alike", math.nan)
        awards_ms = ms["awards (entries made when read)"]
        floor_ms = floor * 1e3
        rows_of_conditions = len({int(r) for r in cf.condition_row.tolist()})
        in_sequence = engine * 1e3 - published_ms - awards_ms
        print(
            "what remains (see the stages):\n"
            f"  - the compiled pass (conditions, indicators, dimensions, totals; generated for"
            f" the framework) takes {kernel_ms:.2f} ms = {kernel_ms / floor_ms:.1f}x\n"
            f"    the floor, where the floor's sum compiled the same way takes {sum_ms:.2f} ms"
            f" ({sum_ms / floor_ms:.1f}x): the work besides the sum\n"
            f"    ({len(cf.conditions)} conditions on {rows_of_conditions} gates,"
            " not-applicable and hidden questions re-weighted,\n"
            "    a division per indicator that can lose questions; bench/engine_cache.py"
            " times it on one thread);\n"
            f"  - with the publication (rounding, bands, gains, then the ranks counted on one"
            f" thread): {published_ms:.2f} ms;\n"
            f"  - awards: {awards_ms:.2f} ms (one compiled call places every rule; the"
            " entries are made when read);\n"
            f"  - (b) takes {in_sequence:.2f} ms more than those stages timed alone: the"
            " scored cycle's Python\n"
            "    objects, and each stage finding the processor's caches filled by the other"
            " (the 16 MB of answers\n"
            "    push out the awards' data)."
        )
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
