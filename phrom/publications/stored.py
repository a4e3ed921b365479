"""Published figures as plain JSON, and the pages' view of them.

At publication (:func:`page_data`, :func:`explanation_data`) everything the results pages
show is written as plain JSON: the rows of ``Publication.rows`` (figures per agency), the
agencies' names, the precisions, the previous cycle's figures, every award result with
the figures of its reasons, and one :class:`~phrom.publications.models.PublishedAgency`
row per agency with the explanation its scorecard shows. Pages read them back
(:func:`stored_cycle`, :func:`explanation_from`) into the same shapes as a live
``ScoredCycle``: nothing is scored again and nothing is unpickled, so neither a changed
answer nor changed scoring code can move a published figure. Only the framework's
structure (names, weights, award rules) is read again, from the framework text stored with
the publication.

``FORMAT`` numbers this layout; a publication stored in another layout is refused with a
message saying to publish again, never scored again.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from phrom.agencies.models import Agency
from phrom.frameworks.models import Cycle
from scoring.awards import AwardEntry, AwardFacts, AwardResult, Reason, TieBreak
from scoring.explain import (
    DimensionExplanation,
    Explanation,
    IndicatorExplanation,
    QuestionExplanation,
    explain_agency,
)
from scoring.formulas import Chosen, Formula
from scoring.model import Bilingual
from scoring.model import Framework as FrameworkSpec
from scoring.ranking import Published
from scoring.result import PreviousCycle

FORMAT = 1


class StoredFiguresUnreadable(RuntimeError):
    """A publication whose stored figures this version of Phrom cannot read (stored by an
    older one); the message says how to publish it again. Its figures are never scored
    again in its place."""


# --------------------------------------------------------------------------- numbers


def _num(x: object) -> float | int | None:
    """A figure as JSON: None for a missing one (NaN), else the number itself."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, float | np.floating):
        return None if math.isnan(float(x)) else float(x)
    if isinstance(x, int | np.integer):
        return int(x)
    raise TypeError(f"not a figure: {x!r}")


def _float(x: object) -> float:
    """A stored figure back as a float, NaN for a missing one."""
    return math.nan if x is None else float(x)  # type: ignore[arg-type]


def _bilingual(b: Bilingual) -> list[str]:
    return [b.th, b.en]


def _from_bilingual(data: Sequence[str]) -> Bilingual:
    return Bilingual(th=data[0], en=data[1])


# --------------------------------------------------------------------------- formulas
# A figure of a formula: a nested formula {"f": kind, "g": figures}, a chosen option
# {"c": [code, [th, en], points]}, a name {"b": [th, en]}, a tuple {"t": [...]}, or a
# plain value (text, number, yes/no, none).


def _figure(value: object) -> object:
    if value is None or isinstance(value, str | bool | int):  # the most common first
        return value
    if isinstance(value, Formula):
        return _formula(value)
    if isinstance(value, Chosen):
        return {"c": [value.code, _bilingual(value.name), value.points]}
    if isinstance(value, Bilingual):
        return {"b": _bilingual(value)}
    if isinstance(value, tuple | list):
        return {"t": [_figure(v) for v in value]}
    if isinstance(value, float):
        return None if math.isnan(value) else value
    raise TypeError(f"a formula figure that cannot be stored: {value!r}")


def _from_figure(data: object) -> object:
    if isinstance(data, dict):
        if "f" in data:
            return _from_formula(data)
        if "c" in data:
            code, name, points = data["c"]
            return Chosen(code=code, name=_from_bilingual(name), points=points)
        if "b" in data:
            return _from_bilingual(data["b"])
        if "t" in data:
            return tuple(_from_figure(v) for v in data["t"])
        raise ValueError(f"an unknown stored figure: {data!r}")
    return data


def _formula(f: Formula) -> dict[str, object]:
    # most figures are text (numbers as written), stored as they are
    return {"f": f.kind,
            "g": {k: v if type(v) is str else _figure(v) for k, v in f.figures.items()}}


def _from_formula(data: Mapping[str, Any]) -> Formula:
    return Formula(data["f"], {k: _from_figure(v) for k, v in data["g"].items()})


def _maybe_formula(f: Formula | None) -> dict[str, object] | None:
    return None if f is None else _formula(f)


def _from_maybe_formula(data: Mapping[str, Any] | None) -> Formula | None:
    return None if data is None else _from_formula(data)


# --------------------------------------------------------------------------- explanations


def explanation_data(e: Explanation) -> dict[str, object]:
    """One agency's explanation as plain JSON: what is the agency's own (figures, answers,
    statuses, the formulas as data). What the framework says (names, question texts,
    types, weights, maximum points) is left to the framework text stored with the
    publication, which :func:`explanation_from` reads it from."""
    return {
        "agency": e.agency, "group": e.group, "total": _num(e.total),
        "published_total": _num(e.published_total), "band": e.band, "rank": e.rank,
        "group_rank": e.group_rank, "previous_total": _num(e.previous_total),
        "gain": _num(e.gain), "how": _formula(e.how), "rounded": _formula(e.rounded),
        # dimension: [code, raw, score, published, effective weight, status, how,
        #             normalising, indicators]
        "dimensions": [[
            d.code, _num(d.raw_score), _num(d.score), _num(d.published_score),
            d.effective_weight, d.status, _formula(d.how), _maybe_formula(d.normalising),
            # indicator: [code, score, effective weight, status, how, questions]
            [[
                i.code, _num(i.score), i.effective_weight, i.status, _formula(i.how),
                # question: [code, answer, points, score, effective weight, status, how,
                #            shown]
                [[q.code, q.answer, _num(q.points), _num(q.score), q.effective_weight,
                  q.status, _formula(q.how), _maybe_formula(q.shown)] for q in i.questions],
            ] for i in d.indicators],
        ] for d in e.dimensions],
    }


def _opt(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]


def explanation_from(data: Mapping[str, Any], spec: FrameworkSpec) -> Explanation:
    """The explanation stored by :func:`explanation_data`, with what the framework SPEC
    (the publication's) says of each part."""
    dimensions = {d.code: d for d in spec.dimensions}
    indicators = {i.code: i for i in spec.indicators}

    def question(row: Sequence[Any]) -> QuestionExplanation:
        code, answer, points, score, effective, status, how, shown = row
        q = spec.question(code)
        if q is None:
            raise StoredFiguresUnreadable(f"question {code} is not in the stored framework")
        return QuestionExplanation(
            code=code, type=q.type.value, text=q.text, answer=answer, points=_opt(points),
            max_points=q.max_points, score=_opt(score), weight=q.weight,
            effective_weight=effective, status=status, how=_from_formula(how),
            shown=_from_maybe_formula(shown),
        )

    def indicator(row: Sequence[Any]) -> IndicatorExplanation:
        code, score, effective, status, how, questions = row
        i = indicators[code]
        return IndicatorExplanation(
            code=code, name=i.name, score=_opt(score), weight=i.weight,
            effective_weight=effective, status=status, how=_from_formula(how),
            questions=tuple(question(q) for q in questions),
        )

    def dimension(row: Sequence[Any]) -> DimensionExplanation:
        code, raw, score, published, effective, status, how, normalising, parts = row
        d = dimensions[code]
        return DimensionExplanation(
            code=code, name=d.name, raw_score=_opt(raw), score=_opt(score),
            published_score=_opt(published), weight=d.weight, effective_weight=effective,
            status=status, how=_from_formula(how),
            normalising=_from_maybe_formula(normalising),
            indicators=tuple(indicator(i) for i in parts),
        )

    return Explanation(
        agency=data["agency"], group=data["group"], framework=spec.code,
        scale=float(spec.scale), precision=spec.precision,
        total=_opt(data["total"]), published_total=_opt(data["published_total"]),
        band=data["band"], rank=data["rank"], group_rank=data["group_rank"],
        previous_total=_opt(data["previous_total"]), gain=_opt(data["gain"]),
        how=_from_formula(data["how"]), rounded=_from_formula(data["rounded"]),
        dimensions=tuple(dimension(d) for d in data["dimensions"]),
    )


def explanations(scored: Any) -> Iterator[tuple[str, dict[str, object]]]:
    """(agency, explanation as JSON) of every agency of SCORED, in its order."""
    result = scored.result
    for agency in result.agencies:
        yield agency, explanation_data(explain_agency(result, agency, scored.answers.get(agency)))


# --------------------------------------------------------------------------- awards


def _facts(a: AwardFacts) -> dict[str, object]:
    return {
        "kind": a.kind, "top": a.top, "floor": _num(a.floor), "eligible": a.eligible,
        "group": a.group, "dimension": a.dimension, "previous_label": a.previous_label,
        "precision": a.precision, "gain_precision": a.gain_precision,
        "previous_precision": a.previous_precision,
    }


def _from_facts(d: Mapping[str, Any]) -> AwardFacts:
    return AwardFacts(
        kind=d["kind"], top=d["top"], floor=_opt(d["floor"]), eligible=d["eligible"],
        group=d["group"], dimension=d["dimension"], previous_label=d["previous_label"],
        precision=d["precision"], gain_precision=d["gain_precision"],
        previous_precision=d["previous_precision"],
    )


def _entry(e: AwardEntry) -> dict[str, object]:
    r = e.reason
    return {
        "agency": e.agency, "group": e.group, "place": e.place, "total": _num(e.total),
        "gain": _num(e.gain), "value": _num(e.value),
        "reason": {
            "kind": r.kind, "place": r.place, "shared": r.shared, "value": _num(r.value),
            "total": _num(r.total), "previous_total": _num(r.previous_total), "after": r.after,
            "tie": None if r.tie is None else [
                r.tie.place, r.tie.figure, _num(r.tie.value), _num(r.tie.other)],
        },
    }


def _from_entry(d: Mapping[str, Any], facts: AwardFacts) -> AwardEntry:
    r = d["reason"]
    tie = r["tie"]
    reason = Reason(
        r["kind"], r["place"], r["shared"], _float(r["value"]), _float(r["total"]),
        _opt(r["previous_total"]), r["after"], facts,
        None if tie is None else TieBreak(tie[0], tie[1], _float(tie[2]), _float(tie[3])),
    )
    return AwardEntry(d["agency"], d["group"], d["place"], _float(d["total"]), _opt(d["gain"]),
                      _float(d["value"]), reason)


def _award(a: AwardResult) -> dict[str, object]:
    entries = (*a.winners, *a.near_misses)
    return {
        "code": a.code, "name": _bilingual(a.name), "previous_label": a.previous_label,
        "precision": a.precision, "group": a.group, "dimension": a.dimension,
        "eligible": a.eligible,
        "facts": _facts(entries[0].reason.award) if entries else None,
        "winners": [_entry(e) for e in a.winners],
        "near_misses": [_entry(e) for e in a.near_misses],
    }


def _from_award(d: Mapping[str, Any], spec: FrameworkSpec) -> AwardResult:
    rule = next((r for r in spec.awards if r.code == d["code"]), None)
    if rule is None:
        raise StoredFiguresUnreadable(f"award {d['code']} is not in the stored framework")
    facts = _from_facts(d["facts"]) if d["facts"] is not None else None
    return AwardResult(
        code=d["code"], name=_from_bilingual(d["name"]), award_rule=rule,
        previous_label=d["previous_label"], precision=d["precision"], group=d["group"],
        dimension=d["dimension"],
        winners=tuple(_from_entry(e, facts) for e in d["winners"]) if facts else (),
        near_misses=tuple(_from_entry(e, facts) for e in d["near_misses"]) if facts else (),
        eligible=d["eligible"],
    )


# --------------------------------------------------------------------------- the cycle


def page_data(scored: Any) -> dict[str, object]:
    """What the pages need beside ``Publication.rows``: the agencies (aligned with the
    rows), the precisions, the previous cycle's figures and every award result."""
    result = scored.result
    previous = result.previous
    agencies = []
    for code in result.agencies:
        a = scored.agencies[code]
        agencies.append([code, a.pk, a.name_th, a.name_en, a.kind, a.group, a.ministry_id])
    return {
        "format": FORMAT,
        "agencies": agencies,
        "dimension_codes": list(result.published.dimension_codes),
        "indicator_codes": list(result.indicator_codes),
        "precision": result.published.precision,
        "previous_precision": result.published.previous_precision,
        "gain_precision": result.published.gain_precision,
        "previous_label": result.published.previous_label,
        "previous": None if previous is None else {
            "label": previous.label, "framework_code": previous.framework_code,
            "precision": previous.precision,
            "totals": {a: _num(v) for a, v in previous.totals.items()},
            "dimensions": {a: {c: _num(v) for c, v in d.items()}
                           for a, d in previous.dimensions.items()},
        },
        "awards": [_award(a) for a in result.awards],
    }


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


class StoredResult:
    """A published cycle's figures as the pages read a ``CycleResult``: the same names
    (``to_rows``, ``awards``, ``published`` (the engine's :class:`Published`),
    ``published_indicators``, ``rank``, ``bands``, ``previous``, ``index`` ...), read from
    the stored rows. The engine's inner arrays (answer matrix, unrounded scores) are not
    kept: nothing here can be scored again."""

    _EXTRA = ("indicators", "dimensions", "claimed_total")

    def __init__(self, spec: FrameworkSpec, rows: list[dict[str, Any]],
                 pages: Mapping[str, Any]) -> None:
        self.framework = spec
        self._rows = rows
        self.agencies: tuple[str, ...] = tuple(str(r["agency"]) for r in rows)
        self.groups: tuple[str | None, ...] = tuple(r.get("group") or None for r in rows)
        self._index = {a: i for i, a in enumerate(self.agencies)}
        dimension_codes: tuple[str, ...] = tuple(pages["dimension_codes"])
        self.indicator_codes: tuple[str, ...] = tuple(pages["indicator_codes"])

        def column(key: str) -> np.ndarray:
            return _read_only(np.array([_float(r.get(key)) for r in rows], dtype=np.float64))

        def table(key: str, codes: tuple[str, ...]) -> np.ndarray:
            out = np.array([[_float(r[key].get(c)) for c in codes] for r in rows],
                           dtype=np.float64).reshape(len(rows), len(codes))
            return _read_only(out)

        # group ids as the engine's awards read them: the framework's peer groups in
        # order, then any other group present by code
        framework_groups = [g.code for g in spec.peer_groups]
        group_names = tuple(
            framework_groups + sorted({g for g in self.groups if g} - set(framework_groups)))
        self.published = Published(
            agencies=self.agencies, groups=self.groups,
            group_ids=np.array([group_names.index(g) if g else -1 for g in self.groups],
                               dtype=np.int64),
            group_names=group_names, dimension_codes=dimension_codes,
            total=column("total"), dimensions=table("dimensions", dimension_codes),
            previous_total=column("previous_total"), gain=column("gain"),
            precision=pages["precision"], previous_precision=pages["previous_precision"],
            gain_precision=pages["gain_precision"], previous_label=pages["previous_label"],
        )
        self.published_indicators = table("indicators", self.indicator_codes)
        self.rank = _read_only(np.array([r["rank"] or 0 for r in rows], dtype=np.int64))
        self.group_rank = _read_only(
            np.array([r["group_rank"] or 0 for r in rows], dtype=np.int64))
        self.bands: tuple[str | None, ...] = tuple(r.get("band") or None for r in rows)
        codes = [b.code for b in spec.bands]
        self.band_index = _read_only(np.array(
            [codes.index(b) if b in codes else -1 for b in self.bands], dtype=np.int64))
        self.claimed_totals: dict[str, float | None] = {
            str(r["agency"]): _opt(r.get("claimed_total")) for r in rows}
        previous = pages["previous"]
        self.previous: PreviousCycle | None = None
        if previous is not None:
            self.previous = PreviousCycle(
                totals={a: float(v) for a, v in previous["totals"].items() if v is not None},
                dimensions={a: {c: float(v) for c, v in d.items() if v is not None}
                            for a, d in previous["dimensions"].items()},
                framework_code=previous["framework_code"], precision=previous["precision"],
                label=previous["label"],
            )
        self.awards: tuple[AwardResult, ...] = tuple(
            _from_award(a, spec) for a in pages["awards"])

    @property
    def has_previous(self) -> bool:
        return self.previous is not None

    def index(self, agency: str) -> int:
        try:
            return self._index[agency]
        except KeyError:
            raise KeyError(f"agency {agency!r} is not in this cycle") from None

    def band(self, agency: str) -> str | None:
        return self.bands[self.index(agency)]

    def to_rows(self) -> list[dict[str, object]]:
        """One dict per agency with the published figures, as ``CycleResult.to_rows``
        (a new list of new dicts: callers may add to them)."""
        return [{k: v for k, v in r.items() if k not in self._EXTRA} for r in self._rows]


@dataclass(frozen=True)
class StoredCycle:
    """A published cycle as the pages read a ``ScoredCycle``: the cycle, the framework
    the figures were computed from, the stored figures (:class:`StoredResult`) and the
    agencies as they were named when published (unsaved ``Agency`` objects). ``answers``
    is empty: one agency's explanation is read from its stored row
    (``phrom.results.selectors.agency_explanation``)."""

    cycle: Cycle
    spec: FrameworkSpec
    result: StoredResult
    agencies: dict[str, Agency]
    publication_id: int
    version: int
    published_at: Any
    note: str
    answers: dict[str, Any] = field(default_factory=dict)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    previous: None = None


def stored_cycle(*, publication: Any, cycle: Cycle) -> StoredCycle:
    """PUBLICATION (with its ``rows``, ``pages`` and ``framework_text``) as the pages read
    it; raises :class:`StoredFiguresUnreadable` when it was stored in another layout."""
    from phrom.frameworks.models import spec_of_text

    pages = publication.pages
    if not isinstance(pages, dict) or pages.get("format") != FORMAT:
        raise StoredFiguresUnreadable(
            f"version {publication.version} of the published results of {cycle.code} was "
            "stored by an older Phrom and cannot be read; publish the cycle again "
            f"(phrom publish {cycle.code} --note \"...\"): a new version is stored from its "
            "frozen answers"
        )
    spec = spec_of_text(publication.framework_text, f"{cycle.code}-v{publication.version}.yaml")
    agencies = {
        code: Agency(pk=pk, code=code, name_th=th, name_en=en, kind=kind, group=group or "",
                     ministry_id=ministry)
        for code, pk, th, en, kind, group, ministry in pages["agencies"]
    }
    return StoredCycle(
        cycle=cycle, spec=spec, result=StoredResult(spec, list(publication.rows), pages),
        agencies=agencies, publication_id=publication.pk, version=publication.version,
        published_at=publication.created_at, note=publication.note,
    )
