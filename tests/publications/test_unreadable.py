"""A publication stored in a layout this Phrom cannot read: every page that reads it says
so (503, translated, with navigation), nothing is scored in its place, and the open data
still serves the stored files."""

from __future__ import annotations

import pytest

from phrom.publications.models import Publication
from tests.conftest import in_english
from tests.publications.test_publication import publish
from tests.publications.test_publication import submitted as submitted  # (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreadable(submitted, django_capture_on_commit_callbacks):  # noqa: F811  # type: ignore[no-untyped-def]
    publication = publish(submitted, django_capture_on_commit_callbacks)
    Publication.objects.filter(pk=publication.pk).update(pages={"format": 0})
    return submitted


@pytest.mark.parametrize("path", ["", "awards/", "{agency}/", "{agency}/scorecard.pdf"])
def test_pages_of_an_unreadable_publication_say_so(client, unreadable, path) -> None:  # type: ignore[no-untyped-def]
    in_english(client)
    url = f"/results/{unreadable.cycle.code}/" + path.format(agency=unreadable.agency_a.code)
    page = client.get(url)
    assert page.status_code == 503
    html = page.content.decode()
    assert "Results unavailable" in html and "Nothing has been scored again" in html
    assert 'href="/results/"' in html


def test_the_thai_page_says_it_in_thai(client, unreadable) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/results/{unreadable.cycle.code}/")
    assert page.status_code == 503
    assert "ยังแสดงผลการประเมินไม่ได้" in page.content.decode()


def test_the_open_data_still_serves_the_stored_files(client, unreadable) -> None:  # type: ignore[no-untyped-def]
    year = unreadable.cycle.year_be
    page = client.get(f"/open-data/{year}/results.csv")
    assert page.status_code == 200
    assert unreadable.agency_a.code in page.content.decode()
