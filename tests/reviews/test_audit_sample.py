"""Issue 13, point 7: the audit sample planner (award candidates and near misses, plus a
seeded random share of the rest), its command and its page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from phrom.agencies.models import Agency
from phrom.cli import main
from phrom.demo.generate import draw_response, seeded_rng
from phrom.demo.review import drop_contradictions, maximum_answer
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import Answer, Evidence, Response, ResponseStatus
from phrom.results.adapter import score_cycle_from_db
from phrom.reviews.audit import AuditRefused, audit_sample, parse_seed, parse_share
from phrom.reviews.models import ReviewAssignment, Verdict, VerdictKind
from tests.conftest import make_world

pytestmark = pytest.mark.django_db

AGENCIES = 40


@pytest.fixture(scope="module")
def _cycle_of_40(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The world's cycle in review with 40 more agencies (service and policy groups), each
    with a submitted response of generated answers: made once for the module, in a
    transaction rolled back after it; each test runs in a savepoint of it, rolled back
    after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        spec = world.cycle.framework.spec()
        for i in range(AGENCIES):
            agency = Agency.objects.create(
                code=f"dep-{i:02d}", name_th=f"กรมที่ {i}", name_en=f"=Department {i}",
                kind="department", group=("service", "policy")[i % 2],
            )
            response = Response.objects.create(
                cycle=world.cycle, agency=agency, status=ResponseStatus.SUBMITTED
            )
            rng = seeded_rng(7, "audit", str(i))
            drawn = draw_response(spec, rng.uniform(0.3, 0.95), rng)
            drop_contradictions(spec, drawn)
            Answer.objects.bulk_create(
                Answer(response=response, question=code, value=value, not_applicable=na,
                       version=1)
                for code, (value, na) in drawn.items()
            )
            # the evidence every answer needs, so that the integrity screens flag few
            Evidence.objects.bulk_create(
                Evidence(response=response, question=q.code, url=f"https://x.go.th/{i}/{q.code}")
                for q in spec.questions
                if q.evidence == "required" and q.code in drawn and not drawn[q.code][1]
            )
        Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
        world.cycle.refresh_from_db()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def cycle_of_40(_cycle_of_40: Any, db: None) -> Any:
    return _cycle_of_40


@pytest.fixture
def world(_cycle_of_40: Any, db: None) -> Any:
    """The module's world (its transaction holds it; a second one would clash)."""
    return _cycle_of_40


def candidates_of(cycle: Cycle) -> set[str]:
    result = score_cycle_from_db(cycle=cycle, verified=True).result
    return {e.agency for a in result.awards for e in (*a.winners, *a.near_misses)}


def random_part(sample: Any) -> list[str]:
    return [row.agency.code for row in sample.rows if row.is_random]


def test_the_same_seed_draws_the_same_sample(cycle_of_40: Any) -> None:
    first = audit_sample(cycle=cycle_of_40.cycle, seed=41, share=0.25)
    again = audit_sample(cycle=cycle_of_40.cycle, seed=41, share=0.25)
    assert [(r.agency.code, r.why) for r in first.rows] == [
        (r.agency.code, r.why) for r in again.rows
    ]
    assert first.seed == 41
    assert random_part(first)


def test_a_different_seed_draws_a_different_random_part(cycle_of_40: Any) -> None:
    one = audit_sample(cycle=cycle_of_40.cycle, seed=1, share=0.25)
    two = audit_sample(cycle=cycle_of_40.cycle, seed=2, share=0.25)
    assert random_part(one) != random_part(two)
    assert {r.agency.code for r in one.rows if not r.is_random} == {
        r.agency.code for r in two.rows if not r.is_random
    }


def test_every_award_candidate_and_near_miss_is_in_every_sample(cycle_of_40: Any) -> None:
    expected = candidates_of(cycle_of_40.cycle)
    assert expected
    for seed in (0, 5, 999):
        sample = audit_sample(cycle=cycle_of_40.cycle, seed=seed, share=0.0, flags=False)
        assert {r.agency.code for r in sample.rows} == expected
        assert all(r.kinds <= {"award_candidate", "near_miss"} for r in sample.rows)
    for seed in (0, 5, 999):
        sample = audit_sample(cycle=cycle_of_40.cycle, seed=seed, share=0.5)
        assert {r.agency.code for r in sample.rows} >= expected


def test_every_agency_an_integrity_screen_flags_is_in_the_sample(cycle_of_40: Any) -> None:
    """An agency whose every answer is at full points is flagged, and so sampled."""
    response = Response.objects.get(cycle=cycle_of_40.cycle, agency__code="dep-39")
    spec = cycle_of_40.cycle.framework.spec()
    response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(response=response, question=q.code, value=maximum_answer(q), version=1)
        for q in spec.questions if q.condition is None and maximum_answer(q) is not None
    )
    sample = audit_sample(cycle=cycle_of_40.cycle, seed=0, share=0.0)
    row = next(r for r in sample.rows if r.agency.code == "dep-39")
    assert "integrity_flag" in row.kinds
    with translation.override("en"):
        assert "integrity flag: Answers all at the maximum" in row.why


def test_the_random_share_counts_the_rest_rounded_up(cycle_of_40: Any) -> None:
    sample = audit_sample(cycle=cycle_of_40.cycle, seed=3, share=0.1)
    rest = sample.population - sample.candidates
    assert sample.random == -(-rest // 10)
    everyone = audit_sample(cycle=cycle_of_40.cycle, seed=3, share=1)
    assert len(everyone.rows) == everyone.population == AGENCIES


def test_candidates_follow_the_verified_values(cycle_of_40: Any) -> None:
    """A reviewer's verified values move the award candidates: the sample reads them."""
    cycle = cycle_of_40.cycle
    before = audit_sample(cycle=cycle, seed=0, share=0, flags=False)
    top = before.rows[0]
    answers = Answer.objects.filter(response_id=top.response_id, not_applicable=False)
    for answer in answers:
        if isinstance(answer.value, bool):
            Verdict.objects.create(
                response_id=top.response_id, question=answer.question,
                verdict=VerdictKind.NOT_SUPPORTED, has_verified_value=True,
                verified_value=False, reason="no evidence",
            )
    after = audit_sample(cycle=cycle, seed=0, share=0, flags=False)
    assert {r.agency.code for r in after.rows} == candidates_of(cycle)


def test_bad_shares_and_seeds_are_refused_with_what_to_fix() -> None:
    assert parse_share("10%") == pytest.approx(0.1)
    assert parse_share("0.25") == 0.25
    with translation.override("en"):
        for bad in ("abc", "1.5", "-0.1", "nan"):
            with pytest.raises(AuditRefused, match="share"):
                parse_share(bad)
        for bad in ("-1", "x", "1000000"):
            with pytest.raises(AuditRefused, match="seed"):
                parse_seed(bad)


def test_the_command_writes_the_sample_as_csv_with_seed_and_reasons(
    cycle_of_40: Any, tmp_path: Any, capsys: Any
) -> None:
    out = tmp_path / "sample.csv"
    code = cycle_of_40.cycle.code
    assert main(["audit-sample", code, "--share", "0.2", "--seed", "12", "--out", str(out)]) == 0
    assert "seed 12" in capsys.readouterr().out
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sample = audit_sample(cycle=cycle_of_40.cycle, seed=12, share=0.2)
    assert [r["agency"] for r in rows] == [r.agency.code for r in sample.rows]
    assert {r["seed"] for r in rows} == {"12"}
    assert {r["reason"] for r in rows} >= {"random"}
    kinds = {kind for r in rows for kind in r["kinds"].split(";")}
    assert kinds >= {"random", "award_candidate", "near_miss"}
    # text that a spreadsheet would run as a formula is quoted
    assert all(r["name_en"].startswith("'=") for r in rows if r["agency"].startswith("dep-"))


def test_the_command_refuses_a_bad_share_and_an_unknown_cycle(cycle_of_40: Any, capsys: Any) -> None:
    assert main(["audit-sample", cycle_of_40.cycle.code, "--share", "2"]) == 2
    assert "share must be from 0 to 1" in capsys.readouterr().err
    assert main(["audit-sample", "th-1999"]) == 2
    assert "no cycle" in capsys.readouterr().err


def test_the_command_without_a_seed_prints_the_one_it_drew(cycle_of_40: Any, capsys: Any) -> None:
    assert main(["audit-sample", cycle_of_40.cycle.code]) == 0
    assert "--seed " in capsys.readouterr().out


# --- the page -------------------------------------------------------------------------------


def audit_url(world: Any, **params: Any) -> str:
    url = reverse("reviews:audit", args=[world.cycle.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.parametrize("persona", ["reviewer", "executive", "coordinator_a", "outsider"])
def test_only_administrators_and_lead_reviewers_see_the_audit_page(
    cycle_of_40: Any, client: Any, persona: str
) -> None:
    client.force_login(cycle_of_40.user(persona))
    assert client.get(audit_url(cycle_of_40)).status_code == 403
    assert client.get(audit_url(cycle_of_40, format="csv")).status_code == 403


def test_the_lead_reviewer_sees_the_sample_with_its_seed(cycle_of_40: Any, client: Any) -> None:
    client.force_login(cycle_of_40.user("lead_reviewer"))
    page = client.get(audit_url(cycle_of_40, share="0.2", seed="77"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "77" in text
    sample = audit_sample(cycle=cycle_of_40.cycle, seed=77, share=0.2)
    for row in sample.rows:
        assert row.agency.code in text
    # lead reviewers do not assign: no button
    assert 'name="reviewer"' not in text


def test_the_page_without_a_seed_draws_one_and_shows_it(cycle_of_40: Any, client: Any) -> None:
    client.force_login(cycle_of_40.user("administrator"))
    page = client.get(audit_url(cycle_of_40))
    assert page.status_code == 200
    assert page.context["sample"].seed == int(page.context["seed"])


def test_the_page_exports_the_same_sample_as_csv(cycle_of_40: Any, client: Any) -> None:
    client.force_login(cycle_of_40.user("lead_reviewer"))
    reply = client.get(audit_url(cycle_of_40, share="0.2", seed="5", format="csv"))
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
    sample = audit_sample(cycle=cycle_of_40.cycle, seed=5, share=0.2)
    assert [r["agency"] for r in rows] == [r.agency.code for r in sample.rows]


def test_a_bad_share_on_the_page_is_a_clear_error(cycle_of_40: Any, client: Any) -> None:
    client.force_login(cycle_of_40.user("administrator"))
    page = client.get(audit_url(cycle_of_40, share="lots", seed="1"))
    assert page.status_code == 400
    text = page.content.decode()
    assert 'role="alert"' in text
    assert "lots" in text


def test_an_unknown_cycle_is_404(world: Any, client: Any) -> None:
    client.force_login(world.user("administrator"))
    assert client.get(reverse("reviews:audit", args=["th-1999"])).status_code == 404


def test_the_administrator_assigns_the_sample_to_a_second_reviewer(
    cycle_of_40: Any, client: Any
) -> None:
    world = cycle_of_40
    reviewer = world.user("reviewer")
    client.force_login(world.user("administrator"))
    reply = client.post(audit_url(world), {"share": "0.2", "seed": "9", "reviewer": reviewer.pk})
    assert reply.status_code == 302
    sample = audit_sample(cycle=world.cycle, seed=9, share=0.2)
    assigned = set(
        ReviewAssignment.objects.filter(reviewer=reviewer).values_list("response_id", flat=True)
    )
    assert assigned == {row.response_id for row in sample.rows}


def test_the_lead_reviewer_cannot_assign_the_sample(cycle_of_40: Any, client: Any) -> None:
    client.force_login(cycle_of_40.user("lead_reviewer"))
    reply = client.post(
        audit_url(cycle_of_40),
        {"share": "0.2", "seed": "9", "reviewer": cycle_of_40.user("reviewer").pk},
    )
    assert reply.status_code == 403
    assert not ReviewAssignment.objects.exists()


def test_the_queue_of_a_cycle_in_review_links_lead_reviewers_to_its_audit_sample(
    cycle_of_40: Any, client: Any
) -> None:
    link = reverse("reviews:audit", args=[cycle_of_40.cycle.code])
    queue = reverse("reviews:queue") + "?cycle=" + cycle_of_40.cycle.code
    client.force_login(cycle_of_40.user("lead_reviewer"))
    assert link in client.get(queue).content.decode()
    client.force_login(cycle_of_40.user("reviewer"))
    assert link not in client.get(queue).content.decode()
    client.force_login(cycle_of_40.user("administrator"))
    assert link in client.get(reverse("reviews:assign")).content.decode()


def test_a_long_sample_is_listed_a_hundred_at_a_time_with_its_seed_in_the_links(
    world: Any, client: Any
) -> None:
    agencies = Agency.objects.bulk_create(
        Agency(code=f"lg-{i:03d}", name_th=f"เทศบาลตำบล {i}", kind="sao") for i in range(130)
    )
    Response.objects.bulk_create(
        Response(cycle=world.cycle, agency=a, status=ResponseStatus.SUBMITTED) for a in agencies
    )
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    total = Response.objects.filter(cycle=world.cycle, status=ResponseStatus.SUBMITTED).count()
    assert 100 < total <= 200
    client.force_login(world.user("lead_reviewer"))
    client.cookies["django_language"] = "en"
    url = reverse("reviews:audit", args=[world.cycle.code])
    first = client.get(url, {"share": "1"}).content.decode()  # no seed: one is drawn
    seed = first.split('name="seed" value="')[1].split('"')[0]
    assert f"{total} of {total} submitted responses" in first
    assert f"Responses 1 to 100 of {total}" in first
    assert f"seed={seed}" in first.split('rel="next" href="')[1].split('"')[0]
    second = client.get(url, {"share": "1", "seed": seed, "page": "2"}).content.decode()
    assert f"Responses 101 to {total} of {total}" in second
    rows = [line for line in second.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")
            if "<td>" in line]
    assert len(rows) == total - 100
    csv_rows = client.get(url, {"share": "1", "seed": seed, "format": "csv"}).content
    assert len(csv_rows.decode("utf-8-sig").strip().splitlines()) == total + 1  # and a header
    # a page out of range or not a number shows a page of the sample, never an error
    assert client.get(url, {"share": "1", "seed": seed, "page": "99"}).status_code == 200
    assert client.get(url, {"share": "1", "seed": seed, "page": "๒"}).status_code == 200
