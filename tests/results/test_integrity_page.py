"""The integrity page of a cycle, /results/<cycle>/integrity/: staff see every flag with
what triggered it and links to the answers; nobody else sees that the page exists."""

from __future__ import annotations

import re

import pytest

from tests.conftest import in_english
from tests.results.integrity_world import plant, plant_reviewers

pytestmark = pytest.mark.django_db

URL = "/results/th-2564/integrity/"


@pytest.mark.parametrize("persona", ["administrator", "lead_reviewer", "reviewer", "executive"])
def test_staff_see_the_flags_with_their_causes_and_links(client, world, persona) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    client.force_login(world.user(persona))
    in_english(client)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 of 2 agencies flagged" in html
    flags = html.split('id="integrity-flags"', 1)[1]
    assert flags.count('data-screen="all_maximum"') == 1
    assert flags.count('data-screen="shared_file"') == 2
    assert "Same evidence file as another agency" in flags
    assert "old-order.pdf dated 2015-01-01" in flags
    assert f'href="/responses/{world.response_b.pk}/#q-' in html


@pytest.mark.parametrize(
    "persona", ["coordinator_a", "respondent_a", "coordinator_b", "outsider"]
)
def test_agency_members_and_outsiders_get_404(client, world, persona) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    client.force_login(world.user(persona))
    assert client.get(URL).status_code == 404


def test_anonymous_visitors_get_404(client, world) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 404


def test_an_unknown_cycle_is_404_for_staff_too(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    assert client.get("/results/no-such-cycle/integrity/").status_code == 404


def test_a_cycle_without_flags_says_so(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    in_english(client)
    html = client.get(URL).content.decode()
    assert "No flag." in html


def test_the_page_speaks_thai_by_default(client, world) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    client.force_login(world.user("reviewer"))
    html = client.get(URL).content.decode()
    assert "การตรวจความน่าเชื่อถือ" in html
    assert "พบข้อสังเกต 2 จาก 2 หน่วยงาน" in html
    assert "ใช้ไฟล์หลักฐานเดียวกับหน่วยงานอื่น" in html


def test_a_reviewer_far_from_the_peers_is_listed_apart(client, world) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    plant_reviewers(world)
    client.force_login(world.user("lead_reviewer"))
    in_english(client)
    html = client.get(URL).content.decode()
    section = html[html.index('id="integrity-reviewers"'):]
    assert "lenient@example.go.th" in section and "100% of 24 verdicts" in section
    assert "rev0@example.go.th" not in section


def test_the_page_screens_the_claims_not_the_verified_values(client, world) -> None:  # type: ignore[no-untyped-def]
    from phrom.responses.models import Answer
    from phrom.reviews.models import Verdict

    plant(world)
    first = Answer.objects.filter(response=world.response_a).order_by("pk").first()
    Verdict.objects.create(response=world.response_a, question=first.question,
                           verdict="not_supported", has_verified_value=True,
                           verified_value=False, by=world.user("reviewer"))
    client.force_login(world.user("administrator"))
    in_english(client)
    html = client.get(URL).content.decode()
    assert 'data-screen="all_maximum"' in html.split("integrity-flags", 1)[1]


def test_a_thai_page_says_what_triggered_each_flag_in_thai(client, world) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    plant_reviewers(world)
    client.force_login(world.user("lead_reviewer"))
    html = client.get(URL).content.decode()
    flags = html.split('id="integrity-flags"', 1)[1]
    assert "ได้คะแนนเต็ม" in flags  # all at the maximum
    assert "ไฟล์หลักฐานเดียวกัน (SHA-256" in flags and "ถูกใช้โดยหน่วยงานอื่นอีก 1 หน่วยงาน" in flags
    assert "ลงวันที่นอกช่วงของรอบการประเมิน" in flags and "2558" in flags  # 2015 in B.E.
    assert "เห็นว่ามีหลักฐานสนับสนุน 100% จาก 24 ผลการตรวจ" in html
    # the screen's own record stays available, marked as English
    assert '<span lang="en">' in flags


def test_one_screen_is_shown_alone_from_the_table_of_screens(client, world) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    client.force_login(world.user("lead_reviewer"))
    in_english(client)
    html = client.get(URL).content.decode()
    assert 'href="?screen=shared_file"' in html and 'href="?screen=all_maximum"' in html
    html = client.get(URL + "?screen=shared_file").content.decode()
    flags = html.split('id="integrity-flags"', 1)[1]
    assert "Flags: Same evidence file as another agency" in flags
    assert flags.count('data-screen="shared_file"') == 2
    assert 'data-screen="all_maximum"' not in flags
    assert 'href="?">Flags of every screen</a>' in html
    # a screen that does not exist shows every flag
    every = client.get(URL + "?screen=nope").content.decode().split('id="integrity-flags"', 1)[1]
    assert 'data-screen="all_maximum"' in every and 'data-screen="shared_file"' in every


def test_thousands_of_flags_are_shown_a_hundred_at_a_time(client, world) -> None:  # type: ignore[no-untyped-def]
    from phrom.agencies.models import Agency
    from phrom.responses.models import Evidence, Response
    from tests.results.integrity_world import SHARED_SHA

    plant(world)
    question = Evidence.objects.filter(sha256=SHARED_SHA).first().question
    agencies = Agency.objects.bulk_create(
        Agency(code=f"x-{i:03d}", name_th=f"หน่วยงาน {i}", name_en=f"Agency {i}",
               kind="department")
        for i in range(120)
    )
    responses = Response.objects.bulk_create(
        Response(cycle=world.cycle, agency=a, status="submitted") for a in agencies)
    Evidence.objects.bulk_create(
        Evidence(response=r, question=question, sha256=SHARED_SHA, original_name="plan.pdf",
                 size=10)
        for r in responses
    )
    client.force_login(world.user("administrator"))
    in_english(client)

    def shown(query: str) -> tuple[int, str]:
        html = client.get(URL + query).content.decode()
        return html.split('id="integrity-flags"', 1)[1].count("<tr data-screen="), html

    first, html = shown("?screen=shared_file")
    assert first == 100
    assert "Flags 1 to 100 of 122" in html
    assert 'href="?screen=shared_file&amp;page=2">Next page</a>' in html
    rest, html = shown("?screen=shared_file&page=2")
    assert rest == 22 and "Flags 101 to 122 of 122" in html and 'rel="prev"' in html
    every, html = shown("")  # every screen: a hundred on the first page too
    total = int(html.split("Flags 1 to 100 of ", 1)[1].split("<", 1)[0])
    assert every == 100 and total > 122
    assert shown("?page=999")[0] == total - 100  # beyond the last page: the last page


def test_the_page_follows_every_change_that_the_screens_read(client, world) -> None:  # type: ignore[no-untyped-def]
    """The screens are kept per process between pages; whatever path changes what they
    read, the next page screens again."""
    import datetime as dt

    from django.utils import timezone

    from phrom.frameworks.models import Cycle
    from phrom.responses.models import Answer, Evidence
    from tests.results.integrity_world import SHARED_SHA

    plant(world)
    client.force_login(world.user("lead_reviewer"))
    in_english(client)

    def screens() -> dict[str, int]:
        html = client.get(URL).content.decode()
        flags = html.split('id="integrity-flags"', 1)[1].split("</table>", 1)[0]
        found: dict[str, int] = {}
        for screen in re.findall(r'<tr data-screen="(\w+)"', flags):
            found[screen] = found.get(screen, 0) + 1
        if 'id="integrity-reviewers"' in html:
            found["reviewer"] = html.split('id="integrity-reviewers"', 1)[1].count("<tr><td>")
        return found

    first = screens()
    assert first["shared_file"] == 2 and first["all_maximum"] == 1
    assert first["out_of_period"] == 1
    assert screens() == first  # kept: nothing changed
    # a piece of evidence marked removed (not through the service)
    Evidence.objects.filter(response=world.response_b, sha256=SHARED_SHA).update(
        removed_at=timezone.now())
    assert "shared_file" not in screens()
    # a new piece of evidence
    Evidence.objects.create(response=world.response_b, question="POL-01-1", sha256=SHARED_SHA,
                            original_name="plan-again.pdf", size=10)
    assert screens()["shared_file"] == 2
    # a claim changed behind the services: A no longer answers everything at the maximum
    answer = Answer.objects.filter(response=world.response_a, value=True).order_by("pk").first()
    answer.value = False
    answer.save()
    assert "all_maximum" not in screens()
    # a deadline that puts B's file of 2015 inside the period
    Cycle.objects.filter(pk=world.cycle.pk).update(
        deadline=dt.datetime(2015, 6, 1, tzinfo=dt.UTC))
    assert "out_of_period" not in screens()
    # reviewers' verdicts
    plant_reviewers(world)
    assert screens()["reviewer"] == 1


def test_the_audit_sample_follows_a_new_flag_after_the_page_kept_the_screens(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    from phrom.responses.models import Evidence
    from phrom.reviews.audit import audit_sample

    plant(world)
    client.force_login(world.user("lead_reviewer"))
    assert client.get(URL).status_code == 200

    def screens_of_b() -> set[str]:
        sample = audit_sample(cycle=world.cycle, seed=1, share=0.0)
        row = next(r for r in sample.rows if r.agency.code == world.agency_b.code)
        return {r.award for r in row.reasons if r.kind == "integrity_flag"}

    assert "shared_url" not in screens_of_b()
    for response in (world.response_a, world.response_b):
        Evidence.objects.create(response=response, question="POL-01-1",
                                url="https://example.go.th/same-plan")
    assert "shared_url" in screens_of_b()
