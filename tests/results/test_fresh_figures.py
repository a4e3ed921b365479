"""Issue 12, point 4: every worker serves the figures of the answers as they are now, the
same as `phrom score`, whatever path changed an answer."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from phrom.cli import main
from phrom.frameworks.models import Cycle
from phrom.frameworks.services import response_reopen
from phrom.responses.models import Answer, Response
from phrom.responses.services import answer_save
from phrom.results.selectors import scored_cycle
from tests.conftest import submit_yes_no_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    """Both responses submitted with every yes/no question answered (A yes, B no)."""
    submit_yes_no_answers(world)
    return world


def page_total(client, world) -> str:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    page = client.get("/results/th-2564/mot-drr/").content.decode()
    start = page.index("<strong>", page.index("figures")) + len("<strong>")
    return page[start:page.index("</strong>", start)]


def cli_total(tmp_path: Path) -> str:
    out = tmp_path / "RESULTS.csv"
    assert main(["score", "th-2564", "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as fh:
        return next(r["total"] for r in csv.DictReader(fh) if r["agency"] == "mot-drr")


def first_yes_no(world) -> str:  # type: ignore[no-untyped-def]
    return next(q.code for q in world.cycle.framework.spec().questions if q.type == "yes_no")


def test_an_answer_changed_through_the_services_shows_on_the_next_page(
    client, submitted, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    before = page_total(client, submitted)
    assert before == cli_total(tmp_path)
    admin = submitted.user("administrator")
    response_reopen(response=submitted.response_a, reason="a wrong answer", by=admin)
    code = first_yes_no(submitted)
    question = next(q for q in submitted.cycle.framework.spec().questions if q.code == code)
    answer_save(response=submitted.response_a, question=question, value=False,
                not_applicable=False, explanation="", base_version=1,
                by=submitted.user("coordinator_a"))
    # submitted again as it was (the same count of responses and time of submission)
    Response.objects.filter(pk=submitted.response_a.pk).update(status="submitted")
    after = page_total(client, submitted)
    assert after != before
    assert after == cli_total(tmp_path)


def test_an_answer_changed_outside_the_services_is_not_hidden_by_the_cache(
    client, submitted, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    before = page_total(client, submitted)
    answer = Answer.objects.get(response=submitted.response_a, question=first_yes_no(submitted))
    answer.value = False
    answer.save()
    after = page_total(client, submitted)
    assert after != before
    assert after == cli_total(tmp_path)


def test_a_new_peer_group_moves_the_cached_figures(client, submitted) -> None:  # type: ignore[no-untyped-def]
    cycle = Cycle.objects.get(pk=submitted.cycle.pk)
    first = scored_cycle(cycle=cycle)
    assert scored_cycle(cycle=cycle) is first
    submitted.agency_a.group = "elsewhere"
    submitted.agency_a.save()
    again = scored_cycle(cycle=cycle)
    assert again is not first
    assert again.result.groups[again.result.index("mot-drr")] == "elsewhere"


@pytest.fixture
def two_cycles(world):  # type: ignore[no-untyped-def]
    """th-2563 and th-2564 each with both responses submitted, every yes/no question
    answered (A yes, B no): th-2564's gains are over th-2563."""
    previous = world.cycle.previous
    for cycle in (previous, world.cycle):
        for agency in (world.agency_a, world.agency_b):
            response, _ = Response.objects.get_or_create(cycle=cycle, agency=agency)
            for question in cycle.framework.spec().questions:
                if question.type == "yes_no":
                    Answer.objects.create(response=response, question=question.code,
                                          value=agency == world.agency_a, version=1)
            Response.objects.filter(pk=response.pk).update(status="submitted")
    return world


def previous_total_of_a(cycle: Cycle) -> object:
    rows = scored_cycle(cycle=cycle).result.to_rows()
    return next(r["previous_total"] for r in rows if r["agency"] == "mot-drr")


def test_a_changed_answer_of_an_unpublished_previous_cycle_moves_the_cached_gains(
    two_cycles,
) -> None:  # type: ignore[no-untyped-def]
    cycle = Cycle.objects.get(pk=two_cycles.cycle.pk)
    before = previous_total_of_a(cycle)
    assert before is not None and before > 0
    Answer.objects.filter(response__cycle=cycle.previous, response__agency=two_cycles.agency_a,
                          ).update(value=False, version=2)
    assert previous_total_of_a(cycle) == 0


def test_a_correction_of_the_published_previous_cycle_moves_the_cached_gains(
    two_cycles,
) -> None:  # type: ignore[no-untyped-def]
    from phrom.frameworks.models import CycleStatus
    from phrom.publications.services import publish_results

    cycle = Cycle.objects.get(pk=two_cycles.cycle.pk)
    previous = cycle.previous
    Cycle.objects.filter(pk=previous.pk).update(status=CycleStatus.PUBLISHED)
    publish_results(cycle=previous)
    first = scored_cycle(cycle=cycle)
    before = previous_total_of_a(cycle)
    assert before is not None and before > 0
    # the gains are over the published figures: changed answers alone do not move them
    Answer.objects.filter(response__cycle=previous, response__agency=two_cycles.agency_a,
                          ).update(value=False, version=2)
    assert scored_cycle(cycle=cycle) is first
    publish_results(cycle=previous, note="A's answers were wrong")  # a correction
    assert scored_cycle(cycle=cycle) is not first
    assert previous_total_of_a(cycle) == 0


def test_a_verdict_moves_the_figures_over_the_claims_kept_before_it(submitted) -> None:  # type: ignore[no-untyped-def]
    """A verified value lies over the claims kept in the process: the figures move, as
    scored afresh, without every answer being read again."""
    from phrom.results.adapter import score_cycle_from_db
    from phrom.results.selectors import kept_claims
    from phrom.reviews.models import Verdict, VerdictKind

    cycle = Cycle.objects.get(pk=submitted.cycle.pk)
    before = scored_cycle(cycle=cycle)
    claims = kept_claims(cycle)
    Verdict.objects.create(
        response=submitted.response_a, question=first_yes_no(submitted),
        verdict=VerdictKind.NOT_SUPPORTED, has_verified_value=True, verified_value=False,
        reason="no evidence",
    )
    after = scored_cycle(cycle=cycle)
    assert after is not before
    assert kept_claims(cycle) is claims
    fresh = score_cycle_from_db(cycle=cycle, verified=True).result.to_rows()
    assert after.result.to_rows() == fresh != before.result.to_rows()


def test_a_changed_claim_is_scored_again(submitted) -> None:  # type: ignore[no-untyped-def]
    from phrom.results.selectors import kept_claims

    cycle = Cycle.objects.get(pk=submitted.cycle.pk)
    claims = kept_claims(cycle)
    assert kept_claims(cycle) is claims
    answer = Answer.objects.get(response=submitted.response_a, question=first_yes_no(submitted))
    answer.value = False
    answer.save()
    again = kept_claims(cycle)
    assert again is not claims
    rows = {r["agency"]: r["total"] for r in again.result.to_rows()}
    assert rows["mot-drr"] < {r["agency"]: r["total"] for r in claims.result.to_rows()}["mot-drr"]
