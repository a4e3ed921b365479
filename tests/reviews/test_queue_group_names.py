"""The review queue names each response's peer group, not its code."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


# The "service" peer group of th-2564, by language.
GROUP_NAMES = pytest.mark.parametrize(
    ("language", "name"),
    [("th", "กรมที่ให้บริการประชาชนเป็นหลัก"), ("en", "Departments mainly providing services")],
)


def administrators_page(world: Any, client: Any, language: str, path: str) -> str:
    client.cookies["django_language"] = language
    client.force_login(world.user("administrator"))
    return client.get(path).content.decode()


@GROUP_NAMES
def test_the_queue_shows_the_peer_groups_name(
    in_review: Any, client: Any, language: str, name: str
) -> None:
    page = administrators_page(in_review, client, language, "/reviews/")
    cells = re.findall(r"<td>th-2564</td>\s*<td>([^<]*)</td>", page)
    assert cells, "the submitted responses are listed"
    assert set(cells) == {name}
    options = re.findall(r'<option value="service"[^>]*>([^<]*)</option>', page)
    assert options == [name]


@GROUP_NAMES
def test_the_assignment_form_offers_peer_groups_by_name(
    in_review: Any, client: Any, language: str, name: str
) -> None:
    page = administrators_page(in_review, client, language, "/reviews/assign/")
    assert re.findall(r'<option value="service">([^<]*)</option>', page) == [name]
