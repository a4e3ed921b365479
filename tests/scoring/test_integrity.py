"""Integrity screens over a generated cycle with planted problems, and each screen alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.integrity import (
    EvidenceItem,
    Period,
    Settings,
    VerdictRow,
    normalise_url,
    robust_z,
    screen_cycle,
    screen_out_of_period,
    screen_reviewers,
    screen_shared_evidence,
)
from scoring.matrix import AnswerMatrix
from scoring.model import ConsistencyRule
from scoring.result import score_cycle
from tests.synthetic.integrity import PROBLEMS, planted_cycle, urlsplit_normalised

# the screen that names each planted problem
CAUSE = {
    "gain": "gain",
    "shared_file": "shared_file",
    "all_maximum": "all_maximum",
    "backdated": "out_of_period",
    "carried_over": "carried_over",
    "contradiction": "contradiction",
}


@pytest.mark.parametrize("seed", [1, 2])
def test_screens_catch_the_planted_agencies_and_few_others(seed: int) -> None:
    cycle = planted_cycle(n_agencies=2000, share=0.1, seed=seed)
    assert set(cycle.planted.values()) == set(PROBLEMS)
    report = screen_cycle(cycle.result, cycle.evidence, cycle.period)
    planted = set(cycle.planted)
    others = set(cycle.result.agencies) - planted
    flagged = report.flagged()
    assert len(planted & flagged) >= 0.95 * len(planted)
    assert len(others & flagged) <= 0.05 * len(others)
    screens = {(f.agency, f.screen) for f in report.flags}
    named = [a for a, kind in cycle.planted.items() if (a, CAUSE[kind]) in screens]
    assert len(named) >= 0.95 * len(planted)
    for flag in report.flags:
        assert flag.detail and flag.figures


def test_each_flag_says_what_triggered_it() -> None:
    cycle = planted_cycle(n_agencies=600, share=0.1, seed=3)
    report = screen_cycle(cycle.result, cycle.evidence, cycle.period)
    gain = next(f for f in report.flags if f.screen == "gain" and f.figures["of"] == "total")
    assert "robust z" in gain.detail and "median" in gain.detail
    assert float(gain.figures["z"]) > 3.5
    shared = next(f for f in report.flags if f.screen == "shared_file")
    assert "other agencies" in shared.detail and shared.questions
    dated = next(f for f in report.flags if f.screen == "out_of_period")
    assert "2020-10-01" in dated.detail and dated.questions
    contradiction = next(f for f in report.flags if f.screen == "contradiction")
    # the synthetic rules are within one question: it is named once
    assert "rule " in contradiction.detail and len(contradiction.questions) == 1
    data = report.as_dict()
    assert data["agencies"] == 600 and isinstance(data["flags"], list)


def test_the_generator_is_reproducible() -> None:
    first = planted_cycle(n_agencies=300, seed=4)
    again = planted_cycle(n_agencies=300, seed=4)
    assert first.planted == again.planted
    assert first.evidence == again.evidence


def test_robust_z_is_the_distance_in_scaled_mads() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 100.0, np.nan])
    z = robust_z(x)
    assert z[2] == 0.0 and np.isnan(z[5])
    assert z[4] == pytest.approx((100 - 3) / (1.4826 * 1.0))
    assert not robust_z(np.array([5.0, 5.0, 5.0])).any()


def test_a_higher_threshold_flags_fewer_gains() -> None:
    cycle = planted_cycle(n_agencies=600, share=0.1, seed=5)
    low = screen_cycle(cycle.result, settings=Settings(gain_z=2.0)).counts()["gain"]
    high = screen_cycle(cycle.result, settings=Settings(gain_z=6.0)).counts()["gain"]
    assert low > high


def test_without_a_previous_cycle_gains_are_not_screened() -> None:
    cycle = planted_cycle(n_agencies=300, seed=6)
    current = score_cycle(cycle.framework, cycle.result.matrix)
    report = screen_cycle(current)
    assert report.counts()["gain"] == 0
    assert any("no previous cycle" in note for note in report.notes)



_TEXT = st.text(st.sampled_from("aZ09-._~%!$&'()*+,;=:@/?# ก"), max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    scheme=st.sampled_from(["", "http:", "HTTPS:", "ftp:", "mailto:", "a1+.-:", "1x:", "ก:"]),
    slashes=st.sampled_from(["", "/", "//"]),
    host=st.text(st.sampled_from("aZ09.-:@[]ก"), max_size=10),
    rest=_TEXT,
    space=st.sampled_from(["", " ", "\t", "\n "]),
)
def test_urls_compare_as_urlsplit_reads_them(scheme, slashes, host, rest, space) -> None:
    url = f"{space}{scheme}{slashes}{host}{rest}{space}"
    try:
        expected = urlsplit_normalised(url)
    except ValueError:  # (urlsplit refuses a host with an unmatched bracket)
        return
    assert normalise_url(url) == expected


def test_urls_lose_tabs_and_line_breaks_as_urlsplit_drops_them() -> None:
    url = "https://x.go.th/pl\tan\n/?a=1#top"
    assert normalise_url(url) == urlsplit_normalised(url) == "https://x.go.th/plan?a=1"

def test_urls_compare_without_case_of_host_or_trailing_slash() -> None:
    assert normalise_url(" HTTPS://Agency.GO.th/plan/ ") == "https://agency.go.th/plan"
    items = [
        EvidenceItem("A1", "Q1", url="https://x.go.th/a/"),
        EvidenceItem("A2", "Q2", url="https://X.go.th/a"),
        EvidenceItem("A3", "Q1", url="https://x.go.th/b"),
        EvidenceItem("A1", "Q3", url="https://x.go.th/b"),
    ]
    flags = screen_shared_evidence(items)
    assert {(f.agency, f.screen) for f in flags} == {
        ("A1", "shared_url"), ("A2", "shared_url"), ("A3", "shared_url"),
    }


def test_one_agency_reusing_its_own_file_is_not_flagged() -> None:
    items = [EvidenceItem("A1", "Q1", sha256="ab" * 32), EvidenceItem("A1", "Q2", sha256="ab" * 32)]
    assert screen_shared_evidence(items) == []


def test_the_period_includes_both_ends() -> None:
    period = Period(date(2020, 10, 1), date(2021, 9, 30))
    inside = EvidenceItem("A1", "Q1", dates=(date(2020, 10, 1), date(2021, 9, 30)))
    before = EvidenceItem("A2", "Q1", name="old.pdf", dates=(date(2020, 9, 30),))
    flags = screen_out_of_period([inside, before], period)
    assert [f.agency for f in flags] == ["A2"]
    assert "old.pdf dated 2020-09-30" in flags[0].detail


def _one_agency_cycle(change: dict[str, float]) -> tuple[AnswerMatrix, object]:
    cycle = planted_cycle(n_agencies=50, share=0.0, seed=8)
    values = np.array(cycle.result.matrix.values, order="F")
    for code, value in change.items():
        values[0, cycle.result.matrix.questions.index(code)] = value
    matrix = replace(cycle.result.matrix, values=values)
    return matrix, cycle


def test_a_whole_count_with_decimals_is_flagged() -> None:
    cycle = planted_cycle(n_agencies=50, share=0.0, seed=8)
    whole = next(q for q in cycle.framework.questions if q.whole and q.condition is None)
    matrix, _ = _one_agency_cycle({whole.code: 12.5})
    report = screen_cycle(score_cycle(cycle.framework, matrix))
    flags = [f for f in report.flags if f.screen == "not_whole"]
    assert [f.agency for f in flags] == [matrix.agencies[0]]
    assert f"{whole.code} = 12.5" in flags[0].detail


def test_required_evidence_missing_is_flagged() -> None:
    cycle = planted_cycle(n_agencies=50, share=0.0, seed=8)
    first = cycle.result.agencies[0]
    kept = tuple(e for e in cycle.evidence if e.agency != first or not e.sha256)
    report = screen_cycle(cycle.result, kept, cycle.period)
    flags = [f for f in report.flags if f.screen == "missing_evidence"]
    assert [f.agency for f in flags] == [first]
    assert flags[0].questions


def test_a_yes_no_rule_flags_the_contradicting_answers() -> None:
    cycle = planted_cycle(n_agencies=50, share=0.0, seed=8)
    yes_no = [
        q.code for q in cycle.framework.questions
        if q.type == "yes_no" and q.condition is None and q.scored
    ][:2]
    matrix, _ = _one_agency_cycle({yes_no[0]: 1.0, yes_no[1]: 1.0})
    rule = ConsistencyRule("counter-only", yes_no[0], ("yes",), yes_no[1], ("yes",))
    result = score_cycle(replace(cycle.framework, consistency=(rule,)), matrix)
    flags = [f for f in screen_cycle(result).flags if f.screen == "contradiction"]
    assert matrix.agencies[0] in {f.agency for f in flags}
    j, k = (matrix.questions.index(c) for c in yes_no)
    both = (matrix.values[:, j] == 1) & (matrix.values[:, k] == 1)
    assert {f.agency for f in flags} == {matrix.agencies[i] for i in np.flatnonzero(both)}


def _verdicts(reviewer: str, verified: int, not_supported: int) -> list[VerdictRow]:
    kinds = ["verified"] * verified + ["not_supported"] * not_supported
    return [VerdictRow(reviewer, f"A{k}", "Q1", v) for k, v in enumerate(kinds)]


def test_a_reviewer_who_verifies_far_more_than_the_peers_is_flagged() -> None:
    rows = (
        _verdicts("r1", 20, 10) + _verdicts("r2", 19, 11) + _verdicts("r3", 21, 9)
        + _verdicts("r4", 20, 10) + _verdicts("lenient", 30, 0)
        + _verdicts("few", 5, 0)  # too few verdicts to judge
        + [VerdictRow("r1", "A1", "Q2", "needs_clarification")] * 50  # left out
    )
    flags = screen_reviewers(rows)
    assert [f.agency for f in flags] == ["lenient"]
    assert "100% of 30 verdicts" in flags[0].detail and "median is 67%" in flags[0].detail


def test_reviewers_are_not_screened_with_fewer_than_three_peers() -> None:
    assert screen_reviewers(_verdicts("r1", 30, 0) + _verdicts("r2", 0, 30)) == []
