"""Staff pages of results not yet published say they are provisional."""

from __future__ import annotations

import pytest

from phrom.frameworks.models import Cycle
from tests.conftest import in_english, submit_yes_no_answers

pytestmark = pytest.mark.django_db

PAGES = ["/results/th-2564/", "/results/th-2564/awards/", "/results/th-2564/mot-drr/"]


@pytest.fixture
def scored(world):
    return submit_yes_no_answers(world)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("status", ["open", "closed", "in_review"])
def test_staff_pages_of_unpublished_results_say_provisional_not_published(
    client, scored, url, status
):
    Cycle.objects.filter(pk=scored.cycle.pk).update(status=status)
    client.force_login(scored.user("reviewer"))
    page = client.get(url).content.decode()
    assert 'class="provisional" role="note"' in page
    assert "ผลเบื้องต้น ยังไม่เผยแพร่" in page


def test_the_banner_is_in_english_for_english_readers(client, scored):
    in_english(client).force_login(scored.user("executive"))
    assert "Provisional, not published." in client.get(PAGES[0]).content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_published_and_stored_results_carry_no_banner(client, scored, url):
    from phrom.publications.services import publish_results

    Cycle.objects.filter(pk=scored.cycle.pk).update(status="published")
    publish_results(cycle=scored.cycle)
    assert 'class="provisional"' not in client.get(url).content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_published_results_not_stored_yet_say_so(client, scored, url):
    # published on /cycles/, before the worker has stored the figures (or after it failed)
    Cycle.objects.filter(pk=scored.cycle.pk).update(status="published")
    page = client.get(url).content.decode()
    assert 'class="provisional" role="note"' in page
    assert "ยังไม่ได้จัดเก็บผลที่เผยแพร่" in page
