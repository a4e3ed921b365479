"""The integrity page says a broken consistency rule in the reader's language: the rule's
own message from the framework, its options by their labels, and the question once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import in_english
from tests.results.integrity_world import plant, plant_reviewers

pytestmark = pytest.mark.django_db

URL = "/results/th-2564/integrity/?screen=contradiction"


def _contradicting(world: Any) -> Any:
    """B answers "counter only" together with a website (the framework's rule), A keeps it."""
    from phrom.responses.models import Answer

    plant(world)
    Answer.objects.create(response=world.response_b, question="SRV-02-1",
                          value=["counter_only", "website"], version=1)
    Answer.objects.create(response=world.response_a, question="SRV-02-1",
                          value=["website", "chat"], version=1)
    return world


def _row(html: str) -> str:
    flags = html.split('id="integrity-flags"', 1)[1]
    assert flags.count('data-screen="contradiction"') == 1
    return flags.split('data-screen="contradiction"', 1)[1].split("</tr>", 1)[0]


def test_a_thai_page_gives_the_rules_thai_message_and_labels(client, world) -> None:  # type: ignore[no-untyped-def]
    _contradicting(world)
    client.force_login(world.user("lead_reviewer"))
    row = _row(client.get(URL).content.decode())
    assert "mot-doh" in row
    assert "ให้บริการที่เคาน์เตอร์เท่านั้น จึงไม่ควรเลือกช่องทางดิจิทัลใดร่วมด้วย" in row
    assert "Counter service only" not in row and "counter_only" not in row
    assert "กฎของกรอบการประเมิน" in row and '<span lang="th">' in row
    assert "ต้องไม่ตอบว่า “เว็บไซต์”" in row
    assert 'lang="en"' not in row


def test_an_english_page_gives_the_rules_english_message_and_labels(client, world) -> None:  # type: ignore[no-untyped-def]
    _contradicting(world)
    client.force_login(world.user("lead_reviewer"))
    in_english(client)
    row = _row(client.get(URL).content.decode())
    assert "Counter service only excludes every digital channel." in row
    assert "ให้บริการ" not in row
    assert "The framework's rule" in row and "may not be answered “Website”" in row


def test_the_rules_question_is_linked_once_with_its_text(client, world) -> None:  # type: ignore[no-untyped-def]
    _contradicting(world)
    client.force_login(world.user("lead_reviewer"))
    html = client.get(URL).content.decode()
    row = _row(html)
    assert row.count(f'href="/responses/{world.response_b.pk}/#q-SRV-02-1"') == 1
    text = world.cycle.framework.spec().question("SRV-02-1").text.th
    assert f'title="{text}"' in row
    assert "คำตอบที่เกี่ยวข้อง" in html  # the column of links, not a count of answers


def test_the_command_line_keeps_the_english_message(world, capsys) -> None:  # type: ignore[no-untyped-def]
    from phrom.cli import main

    _contradicting(world)
    assert main(["integrity", "th-2564"]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "\tcontradiction\t" in x]
    assert "(Counter service only excludes every digital channel.)" in line
    assert line.count("#q-SRV-02-1") == 1 and "ให้บริการ" not in line


def test_a_flagged_reviewer_is_named_beside_the_username(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    plant(world)
    plant_reviewers(world)
    get_user_model().objects.filter(username="lenient@example.go.th").update(
        first_name="สมชาย", last_name="ใจดี")
    client.force_login(world.user("lead_reviewer"))
    html = client.get("/results/th-2564/integrity/").content.decode()
    section = html[html.index('id="integrity-reviewers"'):]
    assert 'สมชาย ใจดี <span class="muted">lenient@example.go.th</span>' in section
