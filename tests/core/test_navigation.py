"""The main navigation offers each person the links their role has, as the gates say."""

from __future__ import annotations

import pytest

from tests.conftest import in_english

pytestmark = pytest.mark.django_db

LINKS = ("Our response", "Colleagues", "Reviews", "National dashboard", "Cycles and progress",
         "Exports", "Invite")

EXPECTED = {
    "administrator": {"Reviews", "National dashboard", "Cycles and progress", "Exports",
                      "Invite"},
    "executive": {"National dashboard"},
    "lead_reviewer": {"Reviews"},
    "reviewer": {"Reviews"},
    "coordinator_a": {"Our response", "Colleagues"},
    "respondent_a": {"Our response"},
    "outsider": set(),
}


def nav_links(html: str) -> set[str]:
    nav = html[html.index('class="user-nav"'):]
    nav = nav[:nav.index("</nav>")]
    return {link for link in LINKS if f">{link}</a>" in nav}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_gets_its_links(client, world, persona) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user(persona))
    in_english(client)
    assert nav_links(client.get("/").content.decode()) == EXPECTED[persona]


def test_visitors_get_the_published_results_and_sign_in(client, world) -> None:  # type: ignore[no-untyped-def]
    in_english(client)
    html = client.get("/").content.decode()
    assert nav_links(html) == set()
    assert ">Published results</a>" in html and ">Log in</a>" in html
