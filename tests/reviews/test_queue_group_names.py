"""The review queue names each response's peer group, not its code."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "name"),
    [("th", "กรมที่ให้บริการประชาชนเป็นหลัก"), ("en", "Departments mainly providing services")],
)
def test_the_queue_shows_the_peer_groups_name(
    in_review: Any, client: Any, settings: Any, language: str, name: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(in_review.user("administrator"))
    page = client.get("/reviews/").content.decode()
    cells = re.findall(r"<td>th-2564</td>\s*<td>([^<]*)</td>", page)
    assert cells, "the submitted responses are listed"
    assert set(cells) == {name}
    options = re.findall(r'<option value="service"[^>]*>([^<]*)</option>', page)
    assert options == [name]


@pytest.mark.parametrize(
    ("language", "name"),
    [("th", "กรมที่ให้บริการประชาชนเป็นหลัก"), ("en", "Departments mainly providing services")],
)
def test_the_assignment_form_offers_peer_groups_by_name(
    in_review: Any, client: Any, settings: Any, language: str, name: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(in_review.user("administrator"))
    page = client.get("/reviews/assign/").content.decode()
    assert re.findall(r'<option value="service">([^<]*)</option>', page) == [name]
