"""The compiled kernel (scoring.kernel) and the numpy way give the same cycle.

Every other engine test scores through the kernel (the default); these hold it to the
numpy way, which is the reference, on synthetic cycles of every question type and on the
shipped frameworks, including answers to hidden questions, agencies split between threads
and blocks, and cycles smaller than one block.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from scoring import kernel
from scoring.answers import AnswerMatrix
from scoring.engine import CycleResult, _shown_rows, compile_framework, score_cycle
from scoring.loader import load_framework
from scoring.synthetic import synthetic_answers, synthetic_framework, synthetic_previous
from tests.scoring.test_engine_support import every_kind_of_condition

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"

pytestmark = pytest.mark.skipif(not kernel.available(), reason="numba is not installed")


def assert_same(a: CycleResult, b: CycleResult) -> None:
    for name in ("total", "raw_dimensions", "dimensions", "indicators"):
        x, y = getattr(a, name), getattr(b, name)
        np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=name)
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-11, equal_nan=True, err_msg=name)
    np.testing.assert_array_equal(a._indicator_present, b._indicator_present)
    np.testing.assert_array_equal(a.published_total, b.published_total)
    np.testing.assert_array_equal(a.published_dimensions, b.published_dimensions)
    np.testing.assert_array_equal(a.previous_total, b.previous_total)
    np.testing.assert_array_equal(a.gain, b.gain)
    np.testing.assert_array_equal(a.band_index, b.band_index)
    np.testing.assert_array_equal(a.rank, b.rank)
    np.testing.assert_array_equal(a.group_rank, b.group_rank)
    assert a.bands == b.bands
    assert [x.to_dict() for x in a.awards] == [x.to_dict() for x in b.awards]


def both(fw, matrix, previous=None):  # type: ignore[no-untyped-def]
    kernel_way = score_cycle(fw, matrix, previous, use_kernel=True)
    assert kernel_way.compiled_kernels
    return kernel_way, score_cycle(fw, matrix, previous, use_kernel=False)


@pytest.mark.parametrize(
    ("agencies", "questions", "seed"),
    [(1, 30, 0), (37, 60, 1), (511, 80, 2), (513, 80, 3), (4100, 120, 4), (9000, 200, 5)],
)
def test_synthetic_cycles_score_the_same(agencies: int, questions: int, seed: int) -> None:
    fw = synthetic_framework(n_questions=questions, n_dimensions=6, seed=seed)
    matrix = synthetic_answers(fw, agencies, seed=seed + 10)
    first = score_cycle(fw, matrix, use_kernel=False)
    previous = synthetic_previous(first, seed=seed + 20)
    assert_same(*both(fw, matrix, previous))


def test_more_threads_than_the_machine_has_cores_score_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fw = synthetic_framework(n_questions=50, n_dimensions=3, seed=7)
    matrix = synthetic_answers(fw, 3000, seed=8)
    monkeypatch.setattr(kernel, "MIN_PER_THREAD", 100)
    monkeypatch.setattr(kernel, "_threads", lambda: 7)
    assert_same(*both(fw, matrix))


def test_answers_to_hidden_questions_are_ignored_the_same_way() -> None:
    """Forms do not ask hidden questions, but imported answers may hold them anyway."""
    fw = synthetic_framework(n_questions=120, n_dimensions=4, seed=11)
    base = synthetic_answers(fw, 2500, seed=12)
    other = synthetic_answers(fw, 2500, seed=13)
    cf = compile_framework(fw)
    values = np.array(base.values, order="F")
    na = np.array(base.not_applicable, order="F")
    shown = _shown_rows(cf, base.values.T, base.not_applicable.T)
    changed = 0
    for k, condition in enumerate(cf.conditions):
        j = condition.column
        hidden = ~shown[cf.condition_row[k]]
        take = hidden & ~np.isnan(other.values[:, j])
        values[take, j] = other.values[take, j]
        na[take, j] = other.not_applicable[take, j]
        changed += int(take.sum())
    assert changed > 1000
    matrix = AnswerMatrix(
        agencies=base.agencies, groups=base.groups, questions=base.questions,
        values=values, not_applicable=na,
    )
    kernel_way, numpy_way = both(fw, matrix)
    assert_same(kernel_way, numpy_way)
    # and the answers to hidden questions changed nothing: the base cycle's figures
    assert_same(kernel_way, score_cycle(fw, replace(base), use_kernel=False))


def test_every_kind_of_condition_scores_the_same() -> None:
    """Conditions of every kind, on conditional gates, hidden questions kept and
    excluded, indicators that can and cannot drop out, over several blocks and threads."""
    fw, values, na = every_kind_of_condition(3 * kernel.BLOCK + 300)
    n = values.shape[0]
    matrix = AnswerMatrix(
        tuple(f"A{i:05d}" for i in range(n)),
        tuple(("G1", "G2", None)[i % 3] for i in range(n)),
        compile_framework(fw).codes,
        np.array(values, order="F"),
        np.array(na, order="F"),
    )
    previous = synthetic_previous(score_cycle(fw, matrix, use_kernel=False), seed=4)
    assert_same(*both(fw, matrix, previous))


def test_agencies_without_a_total_are_published_banded_and_ranked_the_same() -> None:
    """Not applicable to everything: no total, no band, no rank, no gain."""
    from tests.scoring.test_engine_support import maturity, one_question

    fw = one_question(maturity("q", allow_na=True))
    n = 2 * kernel.BLOCK + 77
    rng = np.random.default_rng(5)
    values = rng.integers(0, 6, (n, 1)).astype(np.float64)
    na = rng.random((n, 1)) < 0.3
    values[na] = 0.0
    values[rng.random((n, 1)) < 0.1] = np.nan
    matrix = AnswerMatrix(
        tuple(f"A{i:05d}" for i in range(n)),
        tuple(("G1", None)[i % 2] for i in range(n)),
        ("q",),
        values,
        na,
    )
    previous = synthetic_previous(score_cycle(fw, matrix, use_kernel=False), seed=6)
    kernel_way, numpy_way = both(fw, matrix, previous)
    assert np.isnan(kernel_way.total).sum() == na.sum()
    assert (kernel_way.rank[na[:, 0]] == 0).all()
    assert_same(kernel_way, numpy_way)


@pytest.mark.parametrize("name", ["th-2563", "th-2564", "un-egdi", "oecd-dgi"])
def test_shipped_frameworks_score_the_same(name: str) -> None:
    fw = load_framework(FRAMEWORKS / f"{name}.yaml")
    matrix = synthetic_answers(fw, 3000, seed=21)
    assert_same(*both(fw, matrix))


def test_a_cycle_without_agencies() -> None:
    fw = synthetic_framework(n_questions=20, n_dimensions=2, seed=3)
    codes = synthetic_answers(fw, 1, seed=1).questions
    empty = AnswerMatrix(
        agencies=(), groups=(), questions=codes,
        values=np.empty((0, len(codes))),
        not_applicable=np.zeros((0, len(codes)), dtype=bool),
    )
    kernel_way, numpy_way = both(fw, empty)
    assert kernel_way.total.shape == numpy_way.total.shape == (0,)


def test_without_numba_the_engine_scores_the_same_with_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where numba cannot be imported, indicators and award candidates come from numpy."""
    from scoring import engine

    fw = synthetic_framework(n_questions=80, n_dimensions=6, seed=31)
    matrix = synthetic_answers(fw, 5000, seed=32)
    previous = synthetic_previous(score_cycle(fw, matrix), seed=33)
    compiled = score_cycle(fw, matrix, previous)
    assert compiled.compiled_kernels  # 5,000 agencies: the compiled kernels by default
    monkeypatch.setattr(engine, "_kernel_state", [False])
    without = score_cycle(fw, matrix, previous)
    assert not without.compiled_kernels
    assert_same(compiled, without)
    assert sum(len(a.winners) for a in compiled.awards) >= 10


@pytest.mark.parametrize("precision", [0, 1, 3, 6])
def test_every_publication_precision_rounds_and_ranks_the_same(precision: int) -> None:
    """At 6 decimals the totals are too spread to count: the ranks come from sorting."""
    fw = replace(synthetic_framework(n_questions=40, n_dimensions=3, seed=41), precision=precision)
    matrix = synthetic_answers(fw, 3000, seed=42)
    first = score_cycle(fw, matrix, use_kernel=False)
    previous = replace(synthetic_previous(first, seed=43), precision=max(precision - 1, 0))
    kernel_way, numpy_way = both(fw, matrix, previous)
    assert_same(kernel_way, numpy_way)
    assert (kernel_way.gain[~np.isnan(kernel_way.gain)] < 0).any()


def test_small_cycles_are_scored_with_numpy_and_need_no_compiler() -> None:
    """A web worker scoring a 2,000-agency cycle does not load numba (about 110 MB)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from scoring.synthetic import synthetic_framework, synthetic_answers\n"
        "from scoring.engine import score_cycle\n"
        "fw = synthetic_framework(n_questions=60, n_dimensions=6)\n"
        "r = score_cycle(fw, synthetic_answers(fw, 2000, seed=1))\n"
        "r.awards[0].winners[0].why, r.indicators, r.question_scores\n"
        "print(r.compiled_kernels, 'numba' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.split() == ["False", "False"]


def test_a_process_forked_after_a_parallel_cycle_scores_on_one_thread() -> None:
    """numba's threads come from an OpenMP runtime that does not survive a fork: a child
    forked after the parent scored a large cycle would hang on them, so it scores on one
    thread, the same figures."""
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "import numpy as np\n"
        "from scoring import kernel\n"
        "from scoring.synthetic import synthetic_framework, synthetic_answers\n"
        "from scoring.engine import score_cycle\n"
        "fw = synthetic_framework(n_questions=60, n_dimensions=6)\n"
        "m = synthetic_answers(fw, 9000, seed=1)\n"
        "first = score_cycle(fw, m)\n"
        "assert first.compiled_kernels and kernel._may_run_parallel()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    again = score_cycle(fw, m)\n"
        "    same = np.array_equal(again.published_total, first.published_total)\n"
        "    os._exit(0 if same and not kernel._may_run_parallel() else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print(os.waitstatus_to_exitcode(status))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.split() == ["0"]


def test_threads_scoring_at_once_on_numba_s_work_queue_do_not_abort_the_process() -> None:
    """Where libgomp1 is missing numba falls back to its work queue, which aborts the
    process when two threads enter it at once: one thread at a time runs the parallel
    kernel, the others score on their own thread, the same figures."""
    import os
    import subprocess
    import sys

    code = (
        "import threading\n"
        "import numba\n"
        "import numpy as np\n"
        "from scoring.synthetic import synthetic_framework, synthetic_answers\n"
        "from scoring.engine import score_cycle\n"
        "fw = synthetic_framework(n_questions=60, n_dimensions=6)\n"
        "m = synthetic_answers(fw, 9000, seed=1)\n"
        "first = score_cycle(fw, m)\n"
        "assert first.compiled_kernels and numba.threading_layer() == 'workqueue'\n"
        "same = []\n"
        "def work():\n"
        "    for _ in range(10):\n"
        "        r = score_cycle(fw, m)\n"
        "        same.append(np.array_equal(r.published_total, first.published_total))\n"
        "threads = [threading.Thread(target=work) for _ in range(3)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "print(len(same), all(same))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "NUMBA_THREADING_LAYER": "workqueue"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["30", "True"]


@pytest.mark.parametrize("seed", range(6))
def test_award_candidates_are_found_the_same_compiled_and_with_numpy(seed: int) -> None:
    """The compiled candidate search (blocks of agencies, masks of those at the bar)
    against np.partition, on figures with many ties, NaN, ineligible agencies, agencies
    without a split, 1 to 12 splits (more than the 8 the fast path packs), and sorted
    figures (every agency a new best)."""
    from scoring.awards import _candidates

    rng = np.random.default_rng(seed)
    for case in range(40):
        n = int(rng.choice([0, 1, 63, 64, 65, 700, 5000]))
        n_figures = int(rng.integers(1, 7))
        n_splits = int(rng.choice([1, 2, 5, 8, 9, 12]))
        count = int(rng.integers(1, 11))
        figures = np.round(rng.random((n_figures, n)) * 100, int(rng.integers(0, 3)))
        if case % 5 == 1:
            figures.sort(axis=1)  # ascending: every agency enters the top
        elif case % 5 == 2:
            figures[:] = 50.0  # everyone tied
        figures[rng.random(figures.shape) < 0.05] = np.nan
        eligible = rng.random(n) < 0.9
        split = rng.integers(-1, n_splits, n).astype(np.int64)
        got, got_counts = _candidates(figures, eligible, split, n_splits, count, True)
        want, want_counts = _candidates(figures, eligible, split, n_splits, count, False)
        np.testing.assert_array_equal(got_counts, want_counts)
        for f in range(n_figures):
            for s in range(n_splits):
                np.testing.assert_array_equal(
                    np.sort(got[f][s]), np.sort(want[f][s]), err_msg=f"{case} {f} {s}"
                )


def _generic_and_generated(monkeypatch: pytest.MonkeyPatch, run):  # type: ignore[no-untyped-def]
    """``run()`` with the pass generated for the framework, then with the generic pass."""
    generated = run()
    monkeypatch.setattr(kernel, "GENERATED", False)
    generic = run()
    monkeypatch.setattr(kernel, "GENERATED", True)
    return generated, generic


@pytest.mark.parametrize("threads", [1, 2, 5])
def test_the_generated_pass_gives_what_the_generic_pass_gives(
    monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    """Every kind of condition (read from the answers or from the gate's score, on
    conditional gates), hidden questions kept and excluded, not applicable, indicators
    that can and cannot drop out: dimension scores on 0..1 and on the scale, totals and
    the publication, on one thread and several, over several blocks."""
    from scoring import kernel_gen
    from scoring.engine import _TINY, _WEIGHT_EPSILON, _band_arrays, answer_scores

    fw, values, na = every_kind_of_condition(3 * kernel.BLOCK + 300)
    cf = compile_framework(fw)
    plan = kernel.plan_for(cf, _WEIGHT_EPSILON, _TINY)
    text = kernel_gen.source(plan)
    # conditions read from the answers (equals, at least, any of, bits of a multiple
    # choice, on conditional gates) and from the gate's score
    for written in ("vt[", "nat[", ">=", " | ", "np.int64(", " == 1.0 else 0.0) * h"):
        assert written in text, written
    scores = answer_scores(cf, values, na)
    st, vt, nat = scores.T, values.T, na.T
    n = values.shape[0]
    monkeypatch.setattr(kernel, "MIN_PER_THREAD", 1 if threads > 1 else 1 << 40)
    monkeypatch.setattr(kernel, "_threads", lambda: threads)
    previous = np.random.default_rng(3).uniform(0, 100, n)
    minima, resolved = _band_arrays(cf)
    groups = np.arange(n, dtype=np.int32) % 3 - 1

    def published():  # type: ignore[no-untyped-def]
        return kernel.score_published(
            plan, st, vt, nat, fw.scale, fw.precision, minima, resolved, groups, previous,
            fw.precision, fw.precision,
        )

    def raw():  # type: ignore[no-untyped-def]
        return kernel.indicators_from_scores(
            plan, st, vt, nat, fw.scale, totals=True, indicators=False
        )

    (dims, total, finished), (dims_g, total_g, finished_g) = _generic_and_generated(
        monkeypatch, published
    )
    np.testing.assert_allclose(dims, dims_g, rtol=0, atol=1e-11)
    np.testing.assert_array_equal(np.isnan(total), np.isnan(total_g))
    np.testing.assert_allclose(total, total_g, rtol=0, atol=1e-11)
    for got, want in zip(finished, finished_g, strict=True):
        np.testing.assert_array_equal(got, want)
    a, b = _generic_and_generated(monkeypatch, raw)
    for got, want in zip(a[2:], b[2:], strict=True):  # raw, scaled, totals
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-11)


def test_the_generated_pass_is_written_once_per_framework_and_reused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The source goes to a file named by its hash in PHROM_KERNEL_DIR (numba keeps the
    machine code beside it); the same framework finds it again; where the folder cannot be
    written, or others may write to it, the pass is compiled in memory and scores the
    same."""
    from scoring import kernel_gen
    from scoring.engine import _TINY, _WEIGHT_EPSILON

    fw = synthetic_framework(n_questions=24, n_dimensions=3, seed=51)
    plan = kernel.plan_for(compile_framework(fw), _WEIGHT_EPSILON, _TINY)
    text = kernel_gen.source(plan)
    monkeypatch.setenv("PHROM_KERNEL_DIR", str(tmp_path / "kernels"))
    module, from_file = kernel_gen._module(text)
    assert from_file
    written = list((tmp_path / "kernels").glob("phrom_pass_*.py"))
    assert [p.read_text(encoding="utf-8") for p in written] == [text]
    assert (tmp_path / "kernels").stat().st_mode & 0o077 == 0  # this user's only
    again, from_file = kernel_gen._module(text)
    assert from_file and again.__name__ == module.__name__
    assert len(list((tmp_path / "kernels").glob("phrom_pass_*.py"))) == 1

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # others may write: not used
    monkeypatch.setenv("PHROM_KERNEL_DIR", str(shared))
    assert kernel_gen._module(text)[1] is False
    assert not list(shared.iterdir())

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PHROM_KERNEL_DIR", str(blocked / "kernels"))
    _, from_file = kernel_gen._module(text)
    assert not from_file
    matrix = synthetic_answers(fw, 700, seed=52)
    monkeypatch.setattr(kernel_gen, "_compiled", {})
    assert_same(*both(fw, matrix))


def test_a_framework_too_large_for_the_generated_pass_is_scored_by_the_generic_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scoring import kernel_gen

    fw = synthetic_framework(n_questions=30, n_dimensions=3, seed=71)
    matrix = synthetic_answers(fw, 900, seed=72)
    monkeypatch.setattr(kernel, "GENERATED_MAX_QUESTIONS", 29)
    monkeypatch.setattr(kernel_gen, "_compiled", {})
    assert_same(*both(fw, matrix))
    assert kernel_gen._compiled == {}  # nothing generated


def test_a_kernel_folder_that_cannot_be_used_is_said_and_scoring_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """PHROM_KERNEL_DIR set to a path that cannot be a folder, or to a folder others may
    write to: a warning names the variable, the path, why and what to do; the pass is
    compiled in memory and the cycle scored as ever."""
    from scoring import kernel_gen

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    fw = synthetic_framework(n_questions=12, n_dimensions=2, seed=81)
    plan = kernel.plan_for(compile_framework(fw), 1e-9, 1e-300)
    for path, why in ((blocked / "kernels", "Not a directory"), (shared, "others may write")):
        monkeypatch.setenv("PHROM_KERNEL_DIR", str(path))
        with pytest.warns(RuntimeWarning, match=rf"PHROM_KERNEL_DIR={path} .*{why}.*unset it"):
            assert kernel_gen._module(kernel_gen.source(plan))[1] is False
    monkeypatch.setattr(kernel_gen, "_compiled", {})
    with pytest.warns(RuntimeWarning):
        assert_same(*both(fw, synthetic_answers(fw, 500, seed=82)))
