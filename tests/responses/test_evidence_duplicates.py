"""A file already attached names the attached file, and an upload of several files stores
none of them and says to send one at a time (the widget's form sends one)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import translation

from phrom.responses.evidence import EvidenceRejected
from phrom.responses.models import AnswerChange, ChangeKind, Evidence
from tests.conftest import in_english
from tests.responses.helpers import add_file as add
from tests.responses.test_evidence import make_pdf, make_png

pytestmark = pytest.mark.django_db

POLICY_Q = "POL-01-1"


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def named(name: str, data: bytes) -> io.BytesIO:
    fileobj = io.BytesIO(data)
    fileobj.name = name
    return fileobj


def upload_url(world) -> str:
    return f"/responses/{world.response_a.pk}/questions/{POLICY_Q}/evidence/upload"


# --- the same content again ------------------------------------------------------------------


def test_the_same_content_under_another_name_names_the_attached_file(world, media):
    add(world, "a.pdf", make_pdf())
    with translation.override("en"), pytest.raises(EvidenceRejected) as caught:
        add(world, "copy of a.pdf", make_pdf())
    assert str(caught.value.message) == (
        "“copy of a.pdf” has the same content as “a.pdf”, which is already attached to "
        "this question; it was not added again."
    )
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["a.pdf"]
    assert len(stored_files(media)) == 1


def test_the_same_file_again_under_its_own_name_says_it_is_attached(world, media):
    add(world, "a.pdf", make_pdf())
    with translation.override("en"), pytest.raises(EvidenceRejected) as caught:
        add(world, "a.pdf", make_pdf())
    assert str(caught.value.message) == "“a.pdf” is already attached to this question."


def test_the_duplicate_message_is_thai_by_default(world, media):
    add(world, "แผน.pdf", make_pdf())
    with translation.override("th"), pytest.raises(EvidenceRejected) as caught:
        add(world, "สำเนา แผน.pdf", make_pdf())
    message = str(caught.value.message)
    assert "“สำเนา แผน.pdf”" in message and "“แผน.pdf”" in message
    assert message.index("สำเนา") < message.index("“แผน.pdf”")
    assert "แนบไว้กับข้อคำถามนี้แล้ว" in message


def test_a_removed_file_may_be_attached_again(world, media):
    from phrom.responses.evidence import evidence_remove

    first = add(world, "a.pdf", make_pdf())
    evidence_remove(evidence=first, by=world.user("coordinator_a"))
    assert add(world, "copy of a.pdf", make_pdf()).original_name == "copy of a.pdf"


# --- several files in one upload ------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain form"])
def test_two_file_parts_store_neither_and_say_one_at_a_time(client, world, media, htmx):
    client.force_login(world.user("coordinator_a"))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    reply = in_english(client).post(
        upload_url(world),
        {"file": [named("a.pdf", make_pdf("a")), named("b.png", make_png())]}, **headers,
    )
    assert reply.status_code == (200 if htmx else 400)  # htmx swaps only successes
    page = reply.content.decode()
    assert "This upload sends 2 files, so none of them was stored." in page
    assert "Upload one file at a time" in page
    assert f'id="evidence-{POLICY_Q}-file-error" role="alert"' in page
    assert not Evidence.objects.exists()
    assert not AnswerChange.objects.filter(kind=ChangeKind.EVIDENCE_ADDED).exists()
    assert stored_files(media) == []


def test_a_file_beside_the_form_s_file_is_counted_too(client, world, media):
    client.force_login(world.user("coordinator_a"))
    reply = in_english(client).post(
        upload_url(world),
        {"file": named("a.pdf", make_pdf("a")), "other": named("b.pdf", make_pdf("b"))},
    )
    assert reply.status_code == 400
    assert "This upload sends 2 files" in reply.content.decode()
    assert not Evidence.objects.exists()


def test_several_files_are_refused_in_thai_by_default(client, world, media):
    client.force_login(world.user("coordinator_a"))
    reply = client.post(upload_url(world), {"file": [named(f"{n}.pdf", make_pdf(str(n)))
                                                     for n in range(3)]})
    assert reply.status_code == 400
    assert "ส่งไฟล์มา 3 ไฟล์" in reply.content.decode()


def test_one_file_is_stored_as_before(client, world, media):
    client.force_login(world.user("coordinator_a"))
    reply = client.post(upload_url(world), {"file": named("a.pdf", make_pdf())})
    assert reply.status_code == 302
    assert Evidence.objects.get().original_name == "a.pdf"
