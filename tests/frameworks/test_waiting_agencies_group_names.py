"""The lists of agencies that have not submitted name each agency's peer group, not its
code."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "name"),
    [("th", "กรมที่ให้บริการประชาชนเป็นหลัก"), ("en", "Departments mainly providing services")],
)
def test_the_waiting_lists_show_the_peer_groups_name(world, client, settings, language, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.user("administrator"))
    page = client.get(f"/cycles/{world.cycle.code}/").content.decode()
    rows = re.findall(r"<td>mot-d..</td><td>([^<]*)</td>", page)
    assert rows, "the agencies that have not submitted are listed"
    assert set(rows) == {name}
