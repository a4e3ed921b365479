"""Results pages: the scored table, awards, and one agency's score down to its answers."""

import pytest

from tests.conftest import submit_yes_no_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world):
    submit_yes_no_answers(world)
    return world


def test_results_of_a_cycle_not_yet_published_are_for_staff_only(client, scored):
    assert client.get("/results/th-2564/").status_code == 404
    client.force_login(scored.user("coordinator_a"))
    assert client.get("/results/th-2564/mot-drr/").status_code == 404
    client.force_login(scored.user("executive"))
    assert client.get("/results/th-2564/").status_code == 200


def test_published_results_are_public(client, scored):
    from phrom.frameworks.models import Cycle

    Cycle.objects.filter(pk=scored.cycle.pk).update(status="published")
    assert client.get("/results/th-2564/").status_code == 200
    assert client.get("/results/th-2564/awards/").status_code == 200


def test_the_cycle_table_ranks_the_submitted_responses(client, scored):
    client.force_login(scored.user("administrator"))
    page = client.get("/results/th-2564/").content.decode()
    assert "กรมทางหลวงชนบท" in page and "กรมทางหลวง" in page
    assert page.index("กรมทางหลวงชนบท") < page.index("กรมทางหลวง<")


def test_an_agency_page_explains_the_total_down_to_each_answer(client, scored):
    client.force_login(scored.user("reviewer"))
    page = client.get("/results/th-2564/mot-drr/").content.decode()
    assert "POL-01-1" in page
    assert "ระดับ" in page
    # the formulas in the reader's language (Thai), with the same figures as the CLI's
    assert "ปัดเศษ (ครึ่งปัดขึ้น) เป็นทศนิยม 2 ตำแหน่ง" in page
    assert "ใช่ → 1 จาก 1 = 1" in page
    assert "rounded half up" not in page and "yes -&gt;" not in page


def test_an_agency_page_in_english_gives_the_formulas_of_the_command_line(client, scored):
    from tests.conftest import in_english

    client.force_login(scored.user("reviewer"))
    page = in_english(client).get("/results/th-2564/mot-drr/").content.decode()
    assert "rounded half up to 2 decimals" in page
    assert "yes -> 1 of 1 = 1" in page


def test_an_unknown_cycle_or_agency_is_not_found(client, scored):
    client.force_login(scored.user("administrator"))
    assert client.get("/results/th-2599/").status_code == 404
    assert client.get("/results/th-2564/nobody/").status_code == 404


def test_the_awards_page_lists_each_award(client, scored):
    client.force_login(scored.user("lead_reviewer"))
    page = client.get("/results/th-2564/awards/").content.decode()
    assert "คะแนนความพร้อมสูงสุด" in page
