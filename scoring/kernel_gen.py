"""The pass over a cycle's answers, generated for one framework and compiled.

``scoring.kernel._pass`` reads a framework's structure from arrays (which column belongs
to which indicator, its weight, its condition) and so goes over each indicator in several
loops, keeping each partial sum in memory between them: for a cycle's totals it costs
about 2.5 times the plain weighted sum of the answers. Here the same pass is written out as
Python source for one framework, every column, weight and condition a literal, and
compiled with numba: within a block of agencies one loop per dimension computes, for each
agency, every condition, the sum and the weight left of each indicator that can lose a
question, the indicators that cannot, and the dimension score, all in registers; the
answers are read once and nothing but the dimension scores is written. On the synthetic
cycle of ``bench/bench_engine.py`` it costs about 1.2-1.4 times the weighted sum on one
thread.

It gives what the generic pass gives with ``indicators=False`` (dimension scores and
totals; indicator scores, when asked for, come from the generic pass), operation for
operation except that sums are taken in another order (scores agree to a few units in the
last place, as the generic pass and the numpy way do); ``tests/scoring/test_engine_kernel.py``
holds the three together.

How it is written, and why:

- Loops index the answers with unsigned integers (``st[column, i]``): numba then adds no
  handling of negative indexes, which would keep the loop from being vectorised, and
  there are no per-column slices for the compiler to build and release (a framework of
  200 questions compiles in about 5 seconds instead of 11).
- Each loop reads only the arguments and writes only memory the function allocated, so
  the compiler needs no run-time checks that the two do not overlap (with a few dozen
  columns it would otherwise give up vectorising the loop); conditions are evaluated in
  the loop that uses them, not kept in rows of their own.
- The pass is compiled as a C function (numba's ``cfunc``, :func:`signature`), which
  ``scoring.kernel``'s drivers call at its address: they are compiled once for every
  framework, and never compile the pass into themselves (numba would optimise it again
  in each, 10-20 seconds).

The source is written once per framework to a file named by its hash, in
``$PHROM_KERNEL_DIR`` or else ``$XDG_CACHE_HOME/phrom/kernels`` (``~/.cache/phrom/kernels``),
so that numba caches its machine code beside it and the compilation is paid once per
framework and machine; where no such folder can be written it is compiled in memory, once
per process. The name is the hash of the text, which holds everything the machine code
depends on.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

from scoring.kernel import _KIND, _KIND_SCORE_EQUALS, BLOCK, KernelPlan

_lock = threading.Lock()
# numba's options for the pass; written into its source, so that other options make
# another file (numba keys its cache of machine code on the source, not on options)
_OPTIONS: dict[str, Any] = {"error_model": "numpy", "fastmath": {"contract"}}
# plan -> the compiled functions (cached by identity, as kernel.plan_for caches plans)
_compiled: dict[int, tuple[KernelPlan, Any]] = {}


def _literal(x: float) -> str:
    """A float as source that reads back to the same double."""
    if math.isnan(x):
        return "np.nan"
    if math.isinf(x):
        return "np.inf" if x > 0 else "(-np.inf)"
    return repr(float(x))


def _product(weight: float, *factors: str) -> str:
    """``weight`` times ``factors`` as source (a weight of 1 left out)."""
    return " * ".join(factors if float(weight) == 1.0 else (_literal(weight), *factors))


def _tree(terms: list[str]) -> str:
    """A sum of ``terms`` as four chains, each adding every fourth term, then the chains
    summed in pairs. Compiled with floating-point contraction, a chain's ``a * b + c``
    is one fused multiply-add; four chains keep four of them in flight (one chain would
    wait on each addition before the next)."""
    if not terms:
        return "0.0"
    chains = []
    for first in range(min(4, len(terms))):
        chain = terms[first]
        for term in terms[first + 4 :: 4]:
            chain = f"({chain} + {term})"
        chains.append(chain)
    while len(chains) > 1:
        paired = [f"({chains[k]} + {chains[k + 1]})" for k in range(0, len(chains) - 1, 2)]
        if len(chains) % 2:
            paired.append(chains[-1])
        chains = paired
    return chains[0]


class _Dimension:
    """The body of one dimension's loop: condition rows as local values, then sums."""

    def __init__(self, plan: KernelPlan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.rows: dict[int, str] = {}

    def score(self, column: int) -> str:
        return f"st[{column}, i]"

    def na(self, column: int) -> str:
        return f"nat[{column}, i]"

    def shown(self, row: int) -> str:
        """The name of the "shown" flag (1.0 or 0.0) of condition row ``row``, its line
        written (after its parent's) on first use."""
        name = self.rows.get(row)
        if name is not None:
            return name
        p = self.plan
        gate = int(p.row_gate[row])
        kind = int(p.row_kind[row])
        value = float(p.row_value[row])
        answer = f"vt[{gate}, i]"
        answered = f"(1 - {self.na(gate)})"
        if kind == _KIND_SCORE_EQUALS:
            # read from the gate's score: no answer and not applicable never meet it
            expr = f"(1.0 if {self.score(gate)} == {_literal(value)} else 0.0)"
        elif kind == _KIND["equals"]:
            expr = f"(1.0 if {answer} == {_literal(value)} else 0.0) * {answered}"
        elif kind == _KIND["at_least"]:
            expr = f"(1.0 if {answer} >= {_literal(value)} else 0.0) * {answered}"
        elif kind == _KIND["in"]:
            options = [
                float(p.row_values[t])
                for t in range(int(p.row_values_start[row]), int(p.row_values_stop[row]))
            ]
            test = " | ".join(f"({answer} == {_literal(o)})" for o in options) or "False"
            expr = f"(1.0 if {test} else 0.0) * {answered}"
        elif kind == _KIND["mask"]:
            mask = int(value)
            bits = f"(np.int64({answer}) if {answer} > 0.0 else np.int64(0))"
            expr = f"(1.0 if ({bits} & np.int64({mask})) != 0 else 0.0) * {answered}"
        else:  # pragma: no cover - the plan holds no other kind
            raise ValueError(f"unknown condition kind {kind}")
        parent = int(p.row_parent[row])
        if parent >= 0:
            expr = f"{expr} * {self.shown(parent)}"
        name = f"h{row}"
        self.lines.append(f"{name} = {expr}")
        self.rows[row] = name
        return name


def _dimension_body(plan: KernelPlan, d: int, droppable: list[int]) -> list[str]:
    """The statements computing dimension ``d``'s score ``x / y`` of agency ``i``."""
    p = plan
    body = _Dimension(plan)
    sums: list[str] = []
    # the indicators none of whose questions can drop out: straight into the dimension
    folded = []
    for f in range(int(p.fold_dim_start[d]), int(p.fold_dim_start[d + 1])):
        factors = [body.score(int(p.fold_col[f]))]
        if p.fold_row[f] >= 0:
            factors.append(body.shown(int(p.fold_row[f])))
        folded.append(_product(float(p.fold_weight[f]), *factors))
    sums.append(f"x = {_tree(folded)}")
    sums.append(f"y = {_literal(float(p.fixed_weight[d]))}")
    for i in droppable:
        full = float(p.ind_weight_sum[i])
        scored: list[str] = []
        dropped: list[str] = []
        for j in range(int(p.ind_start[i]), int(p.ind_stop[i])):
            column, kind, w = int(p.pos_col[j]), int(p.pos_kind[j]), float(p.pos_weight[j])
            score = body.score(column)
            if kind <= 1:
                scored.append(_product(w, score))
                if kind == 1:  # not applicable drops out
                    dropped.append(_product(w, body.na(column)))
                continue
            shown = body.shown(int(p.pos_row[j]))
            scored.append(_product(w, score, shown))
            if kind == 3:
                # hidden: drops out; shown and not applicable: drops out
                dropped.append(_product(w, f"(1.0 - {shown} * (1 - {body.na(column)}))"))
            elif p.pos_na[j]:
                # hidden: keeps its weight; not applicable drops out only when shown
                dropped.append(_product(w, shown, body.na(column)))
        sums.append(f"u = {_tree(scored)}")
        sums.append(f"v = {_literal(full)} - {_tree(dropped)}" if dropped else f"v = {_literal(full)}")
        iw = _literal(float(p.ind_weight[i]))
        tiny = _literal(p.tiny)
        sums.append(f"x += {iw} * (u / (v if v > {tiny} else {tiny}))")
        sums.append(f"y += {iw} if v > {_literal(p.epsilon * full)} else 0.0")
    return body.lines + sums


def source(plan: KernelPlan) -> str:
    """The module of one framework's pass: ``pass_range(lo, hi, ...)``, the dimension
    scores (on the scale, and on 0..1 where ``raw`` has room) and, with ``want_total``,
    the totals of agencies ``lo:hi``, block by block on the calling thread (the drivers in
    ``scoring.kernel`` give each thread its range, see :func:`signature`)."""
    p = plan
    n_dim = p.n_dimensions
    droppable: list[list[int]] = [[] for _ in range(n_dim)]
    for i in range(p.ind_start.shape[0]):
        if p.can_drop[i] and p.has_questions[i]:
            droppable[int(p.ind_dimension[i])].append(i)
    out: list[str] = [
        "# Generated by scoring/kernel_gen.py for one framework; do not edit.",
        f"# Compiled with {_OPTIONS!r}.",
        "import numpy as np",
        "",
        "",
        "def pass_range(lo, hi, st, vt, nat, scale, raw, scaled, total, want_total):",
        f"    dv = np.empty(({max(n_dim, 1)}, {BLOCK}))",
        "    keep_raw = raw.shape[1] > 0",
        f"    for a0 in range(lo, hi, {BLOCK}):",
        f"        b = min(a0 + {BLOCK}, hi)",
        "        a = np.uint64(a0)",
        "        m = np.uint64(b - a0)",
    ]
    for d in range(n_dim):
        out += [f"        out = dv[{d}]", "        for c in range(m):", "            i = a + c"]
        out += [f"            {line}" for line in _dimension_body(p, d, droppable[d])]
        out.append("            out[c] = x / y if y > 0.0 else np.nan")
    for d in range(n_dim):
        out += [
            f"        got = dv[{d}]",
            f"        on_scale = scaled[{d}][a0:b]",
            "        for c in range(m):",
            "            on_scale[c] = got[c] * scale",
            "        if keep_raw:",
            f"            result = raw[{d}][a0:b]",
            "            for c in range(m):",
            "                result[c] = got[c]",
        ]
    # the total: the weighted mean of the dimensions that have a score, summed in
    # dimension order as the generic pass does (none: 0 / 0 = NaN)
    num = "0.0"
    den = "0.0"
    for d in range(n_dim):
        w = _literal(float(p.dim_weight[d]))
        num = f"({num} + ({w} * v{d}[c] if v{d}[c] == v{d}[c] else 0.0))"
        den = f"({den} + ({w} if v{d}[c] == v{d}[c] else 0.0))"
    out += ["        if want_total:"]
    out += [f"            v{d} = dv[{d}]" for d in range(n_dim)]
    out += [
        "            out_total = total[a0:b]",
        "            for c in range(m):",
        f"                out_total[c] = ({num} / {den}) * scale",
        "",
    ]
    return "\n".join(out)


def _folder() -> Path | None:
    """The folder of generated modules, made when missing (this user's only: numba
    loads the machine code it finds there); None where none can be written, or where
    it belongs to another user or others may write to it. A ``PHROM_KERNEL_DIR`` that
    cannot be used is said in a warning (the pass is then compiled in memory)."""
    given = os.environ.get("PHROM_KERNEL_DIR")
    try:
        if given:
            folder = Path(given)
        else:
            base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
            folder = Path(base) / "phrom" / "kernels"
    except RuntimeError:  # no home folder to be found
        return None
    why = ""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.stat()
        # another user's folder, or one others may write to: their files would run here
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
            why = "it belongs to another user or others may write to it"
        else:
            probe = tempfile.NamedTemporaryFile(dir=folder, delete=True)
            probe.close()
    except OSError as error:
        why = error.strerror or str(error)
    if not why:
        return folder
    if given:
        warnings.warn(
            f"PHROM_KERNEL_DIR={given} cannot be used ({why}); the scoring pass is compiled "
            "in memory, once per process. Set it to a folder of your own that only you can "
            "write to, or unset it.",
            RuntimeWarning,
            stacklevel=2,
        )
    return None


def _module(text: str) -> tuple[ModuleType, bool]:
    """The generated module of ``text`` and whether it was loaded from a file (so that
    numba can cache its machine code)."""
    name = "phrom_pass_" + hashlib.sha256(text.encode()).hexdigest()[:24]
    folder = _folder()
    if folder is not None:
        path = folder / f"{name}.py"
        try:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                # written whole under another name, then renamed: a process reading it
                # meanwhile sees the old file or the new one, never half of one
                with tempfile.NamedTemporaryFile(
                    "w", dir=folder, suffix=".tmp", delete=False, encoding="utf-8"
                ) as handle:
                    handle.write(text)
                os.replace(handle.name, path)
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is not None and spec.loader is not None:
                module = importlib.util.module_from_spec(spec)
                # (numba finds the module by name when it loads cached machine code)
                sys.modules[name] = module
                spec.loader.exec_module(module)
                return module, True
        except OSError:
            pass
    module = ModuleType(name)
    exec(compile(text, f"<{name}>", "exec"), module.__dict__)
    return module, False


def signature() -> Any:
    """The numba signature of every generated ``pass_range``: one type for all
    frameworks, so that the drivers in ``scoring.kernel`` that call it (through its
    address, as a first-class function) are compiled once, not once per framework."""
    from numba import types

    answers = types.Array(types.float64, 2, "C", readonly=True)
    flags = types.Array(types.uint8, 2, "C", readonly=True)
    rows = types.Array(types.float64, 2, "C")
    return types.void(
        types.int64, types.int64, answers, answers, flags, types.float64, rows, rows,
        types.Array(types.float64, 1, "C"), types.boolean,
    )


def _build(plan: KernelPlan) -> Any:
    """``pass_range`` of ``plan``'s framework compiled (as a C function: the drivers
    call it by address and never compile it into themselves)."""
    import numba

    module, cached = _module(source(plan))
    # (contraction: a multiplication and the addition of its product are one fused
    # multiply-add, rounded once; the sums are then taken a few units in the last place
    # apart from the generic pass's, as their order already makes them)
    return numba.cfunc(signature(), cache=cached, **_OPTIONS)(module.pass_range)


def generated(plan: KernelPlan) -> Any:
    """The compiled ``pass_range`` of ``plan``'s framework (a numba ``cfunc``), made once
    per plan."""
    with _lock:
        hit = _compiled.get(id(plan))
        if hit is not None and hit[0] is plan:
            return hit[1]
        made = _build(plan)
        if len(_compiled) >= 32:
            _compiled.pop(next(iter(_compiled)))
        _compiled[id(plan)] = (plan, made)
        return made
