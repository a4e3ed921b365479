"""A published figure never changes silently: after a correction every results page of
the latest version says it was corrected, why, and links to the version it replaced; an
earlier version read at its own URL says that it was replaced, and its links stay on it."""

from __future__ import annotations

import pytest

from phrom.publications.services import publish_results
from tests.conftest import in_english, make_world
from tests.publications.corrections import flip_a_yes_no_answer
from tests.results.public_world import publish_world

pytestmark = pytest.mark.django_db

NOTE = "คำตอบข้อ 1.1 ของกรมทางหลวงชนบทผิด อนุมัติโดยคณะกรรมการ"
PAGES = ("/results/th-2564/", "/results/th-2564/mot-drr/", "/results/th-2564/awards/")


@pytest.fixture
def corrected(db):  # type: ignore[no-untyped-def]
    world = make_world()
    publish_world(world, filler=3)
    flip_a_yes_no_answer(world.response_a)
    publish_results(cycle=world.cycle, by=world.user("administrator"), note=NOTE)
    return world


def test_a_first_version_has_no_correction_notice(client, db):  # type: ignore[no-untyped-def]
    publish_world(make_world(), filler=3)
    for path in PAGES:
        html = client.get(path).content.decode()
        assert "version-notice" not in html, path


def test_every_page_of_a_correction_says_so_with_its_reason(client, corrected):  # type: ignore[no-untyped-def]
    for path in PAGES:
        html = client.get(path).content.decode()
        assert "มีการแก้ไข: ผลการประเมินที่เผยแพร่ฉบับที่ 2" in html, path
        assert NOTE in html, path
        assert f'href="{path}?version=1"' in html, path


def test_an_earlier_version_says_it_was_replaced_and_keeps_its_links(client, corrected):  # type: ignore[no-untyped-def]
    for path in PAGES:
        html = client.get(path, {"version": "1"}).content.decode()
        assert "ฉบับที่ 1" in html and "ซึ่งมีฉบับแก้ไขแทนแล้ว" in html, path
        assert "ฉบับปัจจุบันคือฉบับที่ 2" in html and NOTE in html, path
        assert f'<a href="{path}">อ่านฉบับปัจจุบัน</a>' in html, path
    agency = client.get(PAGES[1], {"version": "1"}).content.decode()
    for link in ("/results/th-2564/?version=1", "/results/th-2564/awards/?version=1",
                 "/results/th-2564/mot-drr/scorecard.pdf?version=1"):
        assert f'href="{link}"' in agency
    english = in_english(client).get(PAGES[1], {"version": "1"}).content.decode()
    assert "which a correction has replaced" in english


@pytest.mark.parametrize("asked", ["abc", "3", "0", "๑"])
def test_a_version_that_does_not_exist_says_which_do(client, corrected, asked):  # type: ignore[no-untyped-def]
    for path in (*PAGES, "/results/th-2564/mot-drr/scorecard.pdf"):
        reply = client.get(path, {"version": asked})
        assert reply.status_code == 404, path
        html = reply.content.decode()
        assert f"ไม่มีฉบับที่เผยแพร่ “{asked}”" in html, path
        assert "ฉบับที่เผยแพร่แล้วคือ 1, 2" in html and "?version=2" in html, path


def test_an_open_data_file_asked_for_a_version_goes_to_that_versions_address(client, corrected):  # type: ignore[no-untyped-def]
    reply = client.get("/open-data/2564/results.csv", {"version": "1"})
    assert reply.status_code == 302 and reply["Location"] == "/open-data/2564/v1/results.csv"
    assert client.get(reply["Location"])["Content-Disposition"].endswith(
        'filename="phrom-2564-v1-results.csv"')
    missing = client.get("/open-data/2564/results.csv", {"version": "9"})
    assert missing.status_code == 404
    assert "ฉบับที่เผยแพร่แล้วคือ 1, 2" in missing.content.decode()
    folder = client.get("/open-data/2564/v1/")
    assert folder.status_code == 302 and folder["Location"] == "/results/2564/downloads/"
    assert client.get("/open-data/2564/v7/").status_code == 404


def test_another_404_says_nothing_more(client, corrected):  # type: ignore[no-untyped-def]
    html = client.get("/results/th-2564/nobody/").content.decode()
    assert "ฉบับที่เผยแพร่" not in html and "ไม่พบหน้า" in html


def _pdf_text(reply) -> str:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    assert reply.status_code == 200
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(reply.content)).pages)


def test_the_pdfs_of_an_earlier_version_say_it_was_replaced(client, corrected):  # type: ignore[no-untyped-def]
    import json

    old = client.get("/results/th-2564/mot-drr/scorecard.pdf", {"version": "1"})
    assert old["Content-Disposition"].endswith('filename="scorecard-2564-mot-drr-v1.pdf"')
    text = _pdf_text(old)
    assert "ถูกแทนที่แล้ว" in text and "ฉบับที่ 2" in text
    current = _pdf_text(client.get("/results/th-2564/mot-drr/scorecard.pdf"))
    assert "ถูกแทนที่แล้ว" not in current and "ฉบับที่ 2" in current
    awards = json.loads(client.get("/open-data/2564/v1/awards.json").content)
    winner = next(w["agency"] for a in awards["awards"] for w in a["winners"])
    client.force_login(corrected.user("administrator"))  # drafts: not confirmed yet
    reply = client.get(f"/results/th-2564/awards/{winner}/certificate.pdf", {"version": "1"})
    assert reply["Content-Disposition"].endswith(f'-{winner}-v1-draft.pdf"')
    assert "ถูกแทนที่แล้ว" in _pdf_text(reply)
