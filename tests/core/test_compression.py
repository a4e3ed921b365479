"""Pages and data go gzip-compressed to a browser that accepts it; files that are
compressed already (evidence, PDFs, workbooks) go as they are."""

from __future__ import annotations

import gzip

import pytest

pytestmark = pytest.mark.django_db

GZIP = "gzip, deflate, br"  # what a browser sends


def test_a_page_goes_compressed_to_a_browser_that_accepts_gzip(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user("coordinator_a"))
    url = f"/responses/{world.response_a.pk}/"
    plain = client.get(url)
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    packed = client.get(url, HTTP_ACCEPT_ENCODING=GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert len(packed.content) * 4 < len(page.encode())
    questions = plain.content.decode().count('<form class="q-form"')
    assert questions > 0 and page.count('<form class="q-form"') == questions


def test_a_scorecard_pdf_goes_as_it_is(client, world) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import submit_yes_no_answers

    submit_yes_no_answers(world)
    client.force_login(world.user("administrator"))
    reply = client.get("/results/th-2564/mot-drr/scorecard.pdf", HTTP_ACCEPT_ENCODING=GZIP)
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    assert not reply.has_header("Content-Encoding")
    body = b"".join(reply.streaming_content) if reply.streaming else reply.content
    assert body.startswith(b"%PDF")
