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
