"""A scored cycle as plain data, and :func:`score_cycle`, which makes it.

``score_cycle(framework, answers, previous)`` scores every agency (:mod:`scoring.engine`),
publishes the figures (rounding half up at the framework's precision, gains; bands and
competition ranks; the rules are :mod:`scoring.ranking`'s) and places the awards
(:mod:`scoring.awards`). Bands, ranks, gains and awards read published values, so equal
published totals share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from types import MappingProxyType

import numpy as np

from scoring.answers import AgencyAnswers
from scoring.awards import AwardResult, evaluate_awards
from scoring.engine import Normalisation, question_scores, score
from scoring.matrix import AnswerMatrix, encode_answers
from scoring.model import Framework
from scoring.plan import matrix_scores, plan_for
from scoring.ranking import Published, band_indexes, competition_ranks, round_half_up


@dataclass(frozen=True)
class PreviousCycle:
    """Published results of the cycle that gains compare with.

    ``totals``: agency -> published total; ``dimensions``: agency -> code -> score on
    the scale. ``precision``: decimals they were published with (default:
    the current framework's); previous values are taken at that precision. ``label``
    names the cycle in award reasons ("2563"); default the framework code.
    """

    totals: Mapping[str, float]
    dimensions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    framework_code: str | None = None
    precision: int | None = None
    label: str | None = None
    # the totals aligned with the last agencies asked for (see aligned_totals)
    derived: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # a read-only copy of its own: the totals kept aligned cannot go stale
        object.__setattr__(self, "totals", MappingProxyType(dict(self.totals)))

    def aligned_totals(self, agencies: tuple[str, ...]) -> np.ndarray:
        """The previous total of each of ``agencies`` (NaN where it had none), read-only;
        kept for the last agencies asked for, so that a cycle scored again (a results
        page, the benchmark) looks its agencies up once."""
        kept = self.derived.get("aligned")
        if isinstance(kept, tuple) and kept[0] is agencies:
            aligned: np.ndarray = kept[1]
            return aligned
        aligned = np.fromiter(
            map(self.totals.get, agencies, repeat(math.nan)), dtype=np.float64, count=len(agencies)
        )
        aligned.flags.writeable = False
        self.derived["aligned"] = (agencies, aligned)
        return aligned


@dataclass(frozen=True, eq=False)
class CycleResult:
    """Every number of a scored cycle, as arrays aligned with ``agencies``.

    Scores are on the framework's scale (question scores on 0..1); NaN marks an excluded
    question, indicator or dimension (or no total at all). ``rank``/``group_rank`` are 0
    where an agency has no total (or, for ``group_rank``, no peer group); ``band_index``
    is -1 where it has no band. The published figures are in ``published``.
    """

    framework: Framework
    matrix: AnswerMatrix
    previous: PreviousCycle | None
    shown: np.ndarray  # (n, c) whether each question with a condition is shown
    indicators: np.ndarray  # (n, i)
    raw_dimensions: np.ndarray  # (n, d)
    dimensions: np.ndarray  # (n, d)
    total: np.ndarray
    normalisation: Normalisation
    published: Published
    band_index: np.ndarray
    rank: np.ndarray
    group_rank: np.ndarray
    awards: tuple[AwardResult, ...]

    @property
    def agencies(self) -> tuple[str, ...]:
        return self.matrix.agencies

    @property
    def groups(self) -> tuple[str | None, ...]:
        return self.matrix.groups

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.framework.indicators)

    @property
    def question_scores(self) -> np.ndarray:
        """Question scores on 0..1 (agencies x matrix questions), NaN where excluded."""
        plan = plan_for(self.framework)
        scores = matrix_scores(plan, self.matrix)
        return question_scores(plan, scores, self.matrix.not_applicable, self.shown)

    @property
    def has_previous(self) -> bool:
        return self.previous is not None

    @property
    def bands(self) -> tuple[str | None, ...]:
        codes = [b.code for b in self.framework.bands]
        return tuple(codes[k] if k >= 0 else None for k in self.band_index.tolist())

    @property
    def published_indicators(self) -> np.ndarray:
        return round_half_up(self.indicators, self.published.precision)

    @property
    def dimension_gains(self) -> np.ndarray:
        """Each dimension's gain over the previous cycle, both at their publication
        precision; NaN where either is missing."""
        scores = {} if self.previous is None else self.previous.dimensions
        p = self.published
        previous = np.full(p.dimensions.shape, np.nan)
        for row, agency in enumerate(self.agencies):
            of_agency = scores.get(agency) or {}
            for k, code in enumerate(p.dimension_codes):
                previous[row, k] = of_agency.get(code, math.nan)
        previous = round_half_up(previous, p.previous_precision)
        return round_half_up(p.dimensions - previous, p.gain_precision)

    def index(self, agency: str) -> int:
        try:
            return self.matrix.index(agency)
        except KeyError:
            raise KeyError(f"agency {agency!r} is not in this cycle") from None

    def as_previous(self, label: str | None = None) -> PreviousCycle:
        """This cycle's published results, for the next cycle's gains ("2563" as label
        by default: the Buddhist Era year)."""

        def present(codes: Sequence[str], row: np.ndarray) -> dict[str, float]:
            return {c: v for c, v in zip(codes, row.tolist(), strict=True) if not math.isnan(v)}

        p = self.published
        return PreviousCycle(
            totals=present(self.agencies, p.total),
            dimensions={a: present(p.dimension_codes, p.dimensions[i]) for i, a in enumerate(self.agencies)},
            framework_code=self.framework.code,
            precision=p.precision,
            label=label or str(self.framework.year_be),
        )

    def to_rows(self) -> list[dict[str, object]]:
        """One dict per agency with the published figures; ``None`` for missing values."""

        def num(x: float, decimals: int) -> float | None:
            return None if math.isnan(x) else round(x, decimals)

        published, has_previous = self.published, self.previous is not None
        p = published.precision
        dims = published.dimensions.tolist()
        bands = self.bands  # a property that makes every agency's band
        rows: list[dict[str, object]] = []
        for i, agency in enumerate(self.agencies):
            row: dict[str, object] = {
                "agency": agency,
                "group": self.groups[i],
                "total": num(float(published.total[i]), p),
            }
            for k, code in enumerate(published.dimension_codes):
                row[code] = num(dims[i][k], p)
            row["band"] = bands[i]
            row["rank"] = int(self.rank[i]) or None
            row["group_rank"] = int(self.group_rank[i]) or None
            if has_previous:
                row["previous_total"] = num(float(published.previous_total[i]), published.previous_precision)
                row["gain"] = num(float(published.gain[i]), published.gain_precision)
            rows.append(row)
        return rows


def score_cycle(
    framework: Framework,
    answers: AnswerMatrix | Sequence[AgencyAnswers],
    previous: PreviousCycle | None = None,
) -> CycleResult:
    """Score, publish, rank and award every agency of a cycle at once; see
    :mod:`scoring.engine` for the rules. Raises ``ValueError`` when the answers do not fit
    the framework, :class:`scoring.answers.InvalidAnswer` on an invalid answer."""
    plan = plan_for(framework)
    matrix = answers if isinstance(answers, AnswerMatrix) else encode_answers(framework, answers)
    if matrix.questions != plan.codes:
        raise ValueError(
            f"the answer matrix columns do not match framework {framework.code}; "
            "encode the answers with this framework"
        )
    scores = score(plan, matrix.values, matrix.not_applicable, matrix_scores(plan, matrix))
    p = framework.precision
    label = framework.previous or ""  # unnamed: the reader's language names it
    total = round_half_up(scores.total, p)
    previous_p = p if previous is None or previous.precision is None else previous.precision
    gain_p = max(p, previous_p)  # gains are published at the finer of the two precisions
    if previous is None:
        previous_total, gain = np.full(total.shape[0], np.nan), np.full(total.shape[0], np.nan)
    else:
        label = previous.label or previous.framework_code or label
        previous_total = round_half_up(previous.aligned_totals(matrix.agencies), previous_p)
        gain = round_half_up(total - previous_total, gain_p)
    published = Published(
        agencies=matrix.agencies,
        groups=matrix.groups,
        group_ids=matrix.group_ids,
        group_names=matrix.group_names,
        dimension_codes=plan.dimension_codes,
        total=total,
        dimensions=round_half_up(scores.dimensions, p),
        previous_total=previous_total,
        gain=gain,
        precision=p,
        previous_precision=previous_p,
        gain_precision=gain_p,
        previous_label=label,
    )
    rank, group_rank = competition_ranks(published.total, matrix.group_ids)
    return CycleResult(
        framework=framework,
        matrix=matrix,
        previous=previous,
        shown=scores.shown,
        indicators=scores.indicators,
        raw_dimensions=scores.raw_dimensions,
        dimensions=scores.dimensions,
        total=scores.total,
        normalisation=scores.normalisation,
        published=published,
        band_index=band_indexes(published.total, framework.bands),
        rank=rank,
        group_rank=group_rank,
        awards=evaluate_awards(published, framework.awards, [g.code for g in framework.peer_groups]),
    )
