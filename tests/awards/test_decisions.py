"""Issue 14, point 2: an administrator confirms a cycle's awards by name (who, when, on
what basis), once per publication version, in an append-only history; everyone else is
refused, and so is every decision that cannot hold, each with a clear message."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from phrom.awards.errors import DecisionRefused
from phrom.awards.models import AwardDecision
from phrom.awards.services import award_decision_record
from phrom.frameworks.models import Cycle, CycleStatus
from tests.awards.world import answer_cycle, publish
from tests.conftest import in_english
from tests.publications.corrections import flip_a_yes_no_answer

pytestmark = pytest.mark.django_db

DECIDE = "/results/th-2564/awards/decide/"
PAGE = "/results/th-2564/awards/"
NOTE = "มติคณะกรรมการตัดสินรางวัล ครั้งที่ 1/2565"


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    answer_cycle(world)
    world.publication = publish(world)
    return world


def alert(page: str) -> str:
    found = re.search(r'role="alert">(.*?)</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def test_an_administrator_confirms_the_awards_by_name(client, published) -> None:  # type: ignore[no-untyped-def]
    admin = published.user("administrator")
    admin.first_name, admin.last_name = "สมชาย", "ใจดี"
    admin.save()
    client.force_login(admin)
    form = client.get(PAGE).content.decode()
    assert 'name="version" value="1"' in form and "ยืนยันผลรางวัลของฉบับที่ 1 ในนามของข้าพเจ้า" in form

    reply = client.post(DECIDE, {"version": "1", "note": NOTE})

    assert reply.status_code == 302 and reply["Location"] == PAGE
    decision = AwardDecision.objects.get()
    assert (decision.by, decision.by_name, decision.note) == (admin, "สมชาย ใจดี", NOTE)
    assert decision.publication == published.publication
    winners = {(w["award"], w["group"]): [x["agency"] for x in w["winners"]]
               for w in decision.winners}
    assert sorted(winners[("highest_readiness", "service")]) == ["mot-dlt", "mot-drr", "mot-md"]
    page = client.get(PAGE).content.decode()
    assert "ผลรางวัลของผลการประเมินฉบับที่ 1 ได้รับการยืนยันโดย สมชาย ใจดี" in page
    assert NOTE in page
    assert 'name="note"' not in page  # confirmed: no second form
    client.logout()
    assert "ได้รับการยืนยันโดย สมชาย ใจดี" in client.get(PAGE).content.decode()  # public


@pytest.mark.parametrize("persona", ["respondent_a", "coordinator_a", "reviewer",
                                     "lead_reviewer", "executive"])
def test_no_one_but_an_administrator_may_confirm(client, published, persona) -> None:  # type: ignore[no-untyped-def]
    client.force_login(published.user(persona))
    assert 'name="note"' not in client.get(PAGE).content.decode()
    assert client.post(DECIDE, {"version": "1", "note": NOTE}).status_code == 403
    with pytest.raises(PermissionDenied):
        award_decision_record(cycle=published.cycle, by=published.user(persona), version=1,
                              note=NOTE)
    assert not AwardDecision.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, published) -> None:  # type: ignore[no-untyped-def]
    reply = client.post(DECIDE, {"version": "1", "note": NOTE})
    assert reply.status_code == 302 and reply["Location"].startswith("/accounts/login/")
    assert 'name="note"' not in client.get(PAGE).content.decode()
    assert not AwardDecision.objects.exists()


def test_a_decision_without_a_note_is_refused_saying_why(client, published) -> None:  # type: ignore[no-untyped-def]
    client.force_login(published.user("administrator"))
    reply = client.post(DECIDE, {"version": "1", "note": "   "})
    assert reply.status_code == 400
    assert "โปรดระบุว่าการตัดสินอาศัยอะไร" in reply.content.decode()
    assert not AwardDecision.objects.exists()


@pytest.mark.parametrize("version", ["abc", "", "-1", "0", "1.5", "99999999999999999999"])
def test_a_changed_hidden_version_is_refused_saying_to_reload(client, published, version) -> None:  # type: ignore[no-untyped-def]
    client.force_login(published.user("administrator"))

    reply = client.post(DECIDE, {"version": version, "note": NOTE})

    assert reply.status_code == 400
    assert alert(reply.content.decode()) == (
        "หน้านี้ไม่เป็นปัจจุบันแล้วหรือถูกแก้ไข โปรดโหลดหน้าใหม่ ตรวจดูรางวัลอีกครั้ง แล้วจึงยืนยัน")
    english = in_english(client).post(DECIDE, {"version": version, "note": NOTE})
    assert "This page is out of date or was changed: reload it" in alert(
        english.content.decode())
    assert not AwardDecision.objects.exists()


def test_awards_of_an_unpublished_cycle_cannot_be_confirmed(client, world) -> None:  # type: ignore[no-untyped-def]
    answer_cycle(world)
    client.force_login(world.user("administrator"))
    page = client.get(PAGE).content.decode()
    assert 'name="note"' not in page
    assert "ผลรางวัลจะยืนยันเมื่อเผยแพร่ผลแล้ว" in page
    reply = client.post(DECIDE, {"version": "1", "note": NOTE})
    assert reply.status_code == 400
    assert "ยังยืนยันผลรางวัลของรอบ th-2564 ไม่ได้ เพราะยังไม่ได้เผยแพร่ผล" in alert(
        reply.content.decode())
    assert not AwardDecision.objects.exists()


def test_a_published_cycle_whose_figures_are_not_stored_yet_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    answer_cycle(world)
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)
    with pytest.raises(DecisionRefused, match="ยังไม่ได้จัดเก็บ"):
        award_decision_record(cycle=world.cycle, by=world.user("administrator"), version=1,
                              note=NOTE)


def test_a_decision_is_recorded_once_per_version_and_never_changed(client, published) -> None:  # type: ignore[no-untyped-def]
    client.force_login(published.user("administrator"))
    assert client.post(DECIDE, {"version": "1", "note": NOTE}).status_code == 302
    reply = client.post(DECIDE, {"version": "1", "note": "อีกครั้ง"})
    assert reply.status_code == 400
    assert "ผลรางวัลของฉบับที่ 1 ได้รับการยืนยันแล้ว โดย administrator" in alert(
        reply.content.decode())
    decision = AwardDecision.objects.get()
    decision.note = "changed"
    with pytest.raises(ValueError, match="append-only"):
        decision.save()
    with pytest.raises(ValueError, match="append-only"):
        decision.delete()
    with pytest.raises(ValueError, match="append-only"):
        AwardDecision.objects.filter(pk=decision.pk).update(note="changed")
    with pytest.raises(ValueError, match="append-only"):
        AwardDecision.objects.all().delete()
    assert AwardDecision.objects.get().note == NOTE


def test_a_correction_is_confirmed_as_its_own_version(client, published) -> None:  # type: ignore[no-untyped-def]
    client.force_login(published.user("administrator"))
    assert client.post(DECIDE, {"version": "1", "note": NOTE}).status_code == 302
    flip_a_yes_no_answer(published.response_a)
    publish(published, note="คำตอบข้อ 1.1 ของกรมทางหลวงชนบทผิด อนุมัติโดยคณะกรรมการ")

    # a form still showing version 1 is refused: the awards of version 2 were not seen
    reply = client.post(DECIDE, {"version": "1", "note": NOTE})
    assert reply.status_code == 400
    assert "ผลปัจจุบันคือฉบับที่ 2" in alert(reply.content.decode())
    page = client.get(PAGE).content.decode()
    assert "ผลรางวัลของผลการประเมินฉบับที่ 2 ยังไม่ได้รับการยืนยัน" in page
    assert "มีฉบับแก้ไขแทนแล้ว" in page  # version 1's decision, in the history
    assert 'name="version" value="2"' in page
    assert client.post(DECIDE, {"version": "2", "note": "มติครั้งที่ 2"}).status_code == 302
    assert [d.publication.version for d in AwardDecision.objects.order_by("at", "id")] == [1, 2]
    # version 1 at its own address still shows its own decision
    old = client.get(PAGE + "?version=1").content.decode()
    assert "ผลรางวัลของผลการประเมินฉบับที่ 1 ได้รับการยืนยันโดย" in old
    assert 'name="note"' not in old
