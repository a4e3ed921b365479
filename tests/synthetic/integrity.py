"""A synthetic cycle with planted integrity problems, for tests and benchmarks of
:mod:`scoring.integrity`.

:func:`planted_cycle` scores :func:`tests.synthetic.cycles.synthetic_answers` on a
:func:`tests.synthetic.cycles.synthetic_framework` whose first question of each indicator
requires evidence, whose large counts are whole, and with one consistency rule per
multiple-choice question ("option a excludes option b"). Every agency has evidence for
its answered required questions, dated inside the period, with a file and a URL of its
own; the previous cycle's totals and dimensions are the current ones less a gain drawn
around +2.5 points (standard deviation 4). Then a known share of the agencies get one
problem each (:data:`PROBLEMS`):

- ``gain``: an unexplained large gain (20-35 points on the total and every dimension), on
  agencies whose total is at least 45 so that the gain fits above zero;
- ``shared_file``: a file reused from another agency (planted in pairs: both agencies of
  a pair hold the same SHA-256, one of them copied it), and a shared URL;
- ``all_maximum``: every answered scored question at full points;
- ``backdated``: an evidence file whose own dates are a year or more before the period;
- ``carried_over``: evidence carried over unchanged from the previous cycle;
- ``contradiction``: a multiple-choice answer holding both options of a rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlsplit

import numpy as np

from scoring.integrity import EvidenceItem, Period
from scoring.matrix import AnswerMatrix, matrix_questions
from scoring.model import Bilingual, ConsistencyRule, Framework, Question, QuestionType
from scoring.result import CycleResult, PreviousCycle, score_cycle
from tests.synthetic.cycles import synthetic_answers, synthetic_framework

PROBLEMS = ("gain", "shared_file", "all_maximum", "backdated", "carried_over", "contradiction")


def urlsplit_normalised(url: str) -> str:
    """A URL in the form ``scoring.integrity.normalise_url`` gives, from the parts urllib's
    urlsplit reads: the reference its tests and bench_integrity.py hold it to."""
    parts = urlsplit(url.strip())
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}{query}"


@dataclass(frozen=True)
class PlantedCycle:
    """A scored cycle, its evidence and period, and the agencies given a problem."""

    result: CycleResult
    evidence: tuple[EvidenceItem, ...]
    period: Period
    planted: Mapping[str, str]  # agency -> one of PROBLEMS

    @property
    def framework(self) -> Framework:
        return self.result.framework


def _framework(n_questions: int, seed: int) -> Framework:
    base = synthetic_framework(n_questions=n_questions, seed=seed)
    rules: list[ConsistencyRule] = []
    dimensions = []
    for dim in base.dimensions:
        indicators = []
        for ind in dim.indicators:
            questions: list[Question] = []
            for k, q in enumerate(ind.questions):
                if k == 0 and q.scored:
                    q = replace(q, evidence="required")
                span = (q.maximum or 0.0) - (q.minimum or 0.0)
                if q.type is QuestionType.NUMBER and not q.thresholds and span >= 100:
                    q = replace(q, whole=True)
                if q.type is QuestionType.MULTIPLE_CHOICE and q.condition is None:
                    rules.append(
                        ConsistencyRule(
                            code=f"{q.code}-a-b",
                            question=q.code,
                            options=("a",),
                            excludes_question=q.code,
                            excludes=("b",),
                            message=Bilingual(
                                "ตัวเลือก a คือ 'เท่านั้น' จึงไม่ควรเลือก b ร่วมด้วย",
                                "option a is 'only'; it excludes option b",
                            ),
                        )
                    )
                questions.append(q)
            indicators.append(replace(ind, questions=tuple(questions)))
        dimensions.append(replace(dim, indicators=tuple(indicators)))
    return replace(base, dimensions=tuple(dimensions), consistency=tuple(rules))


def _full_marks(question: Question) -> float:
    """The encoded answer of ``question`` that earns its full points."""
    t = question.type
    if t is QuestionType.YES_NO:
        return 1.0
    if t is QuestionType.SINGLE_CHOICE:
        points = [o.points for o in question.options]
        return float(points.index(max(points)))
    if t is QuestionType.MULTIPLE_CHOICE:
        return float(sum(1 << k for k, o in enumerate(question.options) if o.points > 0))
    if t is QuestionType.MATURITY:
        return 5.0
    if t is QuestionType.PERCENTAGE:
        return 100.0
    return question.maximum if question.maximum is not None else 100.0


def _digest(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def planted_cycle(
    n_agencies: int = 1000,
    share: float = 0.1,
    seed: int = 0,
    n_questions: int = 60,
) -> PlantedCycle:
    """A cycle of ``n_agencies`` in which about ``share`` of them have one planted problem
    each, the same number of each kind."""
    rng = np.random.default_rng(seed + 7)
    framework = _framework(n_questions, seed)
    matrix = synthetic_answers(framework, n_agencies, seed=seed)
    questions = matrix_questions(framework)
    values = np.array(matrix.values, dtype=np.float64, order="F")
    na = np.array(matrix.not_applicable, dtype=np.bool_, order="F")
    agencies = matrix.agencies
    column = {q.code: j for j, q in enumerate(questions)}

    # the answers keep the consistency rules, unless planted otherwise
    rule_columns = [column[r.question] for r in framework.consistency]
    for j in rule_columns:
        v = values[:, j]
        both = ~np.isnan(v) & ((np.nan_to_num(v).astype(np.int64) & 3) == 3)
        values[both, j] -= 2.0

    n_planted = int(round(n_agencies * share))
    order = rng.permutation(n_agencies)
    kinds = [PROBLEMS[k % len(PROBLEMS)] for k in range(n_planted)]
    planted: dict[str, str] = {}
    # gains are planted after scoring, on agencies high enough for the gain to fit
    chosen = order[: n_planted - kinds.count("gain")].tolist()
    other_kinds = [k for k in kinds if k != "gain"]
    for row, kind in zip(chosen, other_kinds, strict=True):
        planted[agencies[row]] = kind
        if kind == "all_maximum":
            for j, q in enumerate(questions):
                if q.scored and not np.isnan(values[row, j]) and not na[row, j]:
                    values[row, j] = _full_marks(q)
        elif kind == "contradiction" and rule_columns:
            j = rule_columns[int(rng.integers(len(rule_columns)))]
            values[row, j] = float(int(np.nan_to_num(values[row, j])) | 3)
            na[row, j] = False
    answers = AnswerMatrix(
        agencies=agencies,
        groups=matrix.groups,
        questions=matrix.questions,
        values=values,
        not_applicable=na,
    )
    current = score_cycle(framework, answers)
    total = current.published.total
    dims = current.published.dimensions
    dim_codes = current.published.dimension_codes
    free = [r for r in order[len(chosen) :].tolist() if total[r] >= 45.0]
    for row in free[: kinds.count("gain")]:
        planted[agencies[row]] = "gain"

    gain = rng.normal(2.5, 4.0, n_agencies)
    dim_gain = rng.normal(2.5, 4.0, dims.shape)
    for row in range(n_agencies):
        if planted.get(agencies[row]) == "gain":
            gain[row] = rng.uniform(20.0, 35.0)
            dim_gain[row] = rng.uniform(20.0, 35.0, dims.shape[1])
    previous_total = np.clip(np.round(total - gain, 2), 0.0, framework.scale)
    previous_dims = np.clip(np.round(dims - dim_gain, 2), 0.0, framework.scale)
    keep = ~np.isnan(previous_total)
    previous = PreviousCycle(
        totals={a: float(previous_total[i]) for i, a in enumerate(agencies) if keep[i]},
        dimensions={
            a: {
                c: float(previous_dims[i, k])
                for k, c in enumerate(dim_codes)
                if not np.isnan(previous_dims[i, k])
            }
            for i, a in enumerate(agencies)
            if keep[i]
        },
        framework_code=framework.previous,
        label=str(framework.year_be - 1),
    )
    result = score_cycle(framework, answers, previous)

    period = Period(date(framework.year_ce - 1, 10, 1), date(framework.year_ce, 9, 30))
    days = (period.end - period.start).days
    required = [j for j, q in enumerate(questions) if q.evidence == "required"]
    answered = ~np.isnan(values) & ~na
    evidence: list[EvidenceItem] = []
    offsets = rng.integers(0, days + 1, (n_agencies, 2))
    row_of = {a: i for i, a in enumerate(agencies)}
    shared_rows = sorted(row_of[a] for a, k in planted.items() if k == "shared_file")
    partner = {
        shared_rows[k]: shared_rows[k - 1 if k % 2 else k + 1]
        for k in range(len(shared_rows) - len(shared_rows) % 2)
    }
    if len(shared_rows) % 2 and len(shared_rows) >= 3:  # an odd one joins the last pair
        partner[shared_rows[-1]] = shared_rows[-2]
    for row, agency in enumerate(agencies):
        problem = planted.get(agency)
        made = date.fromordinal(period.start.toordinal() + int(offsets[row, 0]))
        changed = max(made, date.fromordinal(period.start.toordinal() + int(offsets[row, 1])))
        first = True
        for j in required:
            if not answered[row, j]:
                continue
            code = questions[j].code
            item = EvidenceItem(
                agency=agency,
                question=code,
                sha256=_digest(seed, agency, code),
                name=f"{agency}-{code}.pdf",
                dates=(made, changed),
            )
            if first and problem is not None:
                if problem == "shared_file" and row in partner:
                    low = min(row, partner[row])
                    item = item._replace(
                        sha256=_digest(seed, "shared", agencies[low]),
                        name=f"{agencies[low]}-plan.pdf",
                    )
                elif problem == "backdated":
                    old = period.start - timedelta(days=int(rng.integers(365, 1500)))
                    item = item._replace(dates=(old, old))
                elif problem == "carried_over":
                    item = item._replace(carried=True)
                first = False
            evidence.append(item)
        url = f"https://{agency.lower()}.example.go.th/open-data"
        if problem == "shared_file" and row in partner:
            url = f"https://{agencies[min(row, partner[row])].lower()}.example.go.th/open-data"
        evidence.append(
            EvidenceItem(agency=agency, question=questions[0].code, url=url, dates=())
        )
    # an agency whose problem found no place to go (nothing answered) is not planted
    for agency, problem in list(planted.items()):
        row = row_of[agency]
        lonely = problem == "shared_file" and row not in partner
        if lonely or (
            problem in ("backdated", "carried_over") and not answered[row, required].any()
        ):
            del planted[agency]
    return PlantedCycle(result, tuple(evidence), period, planted)
