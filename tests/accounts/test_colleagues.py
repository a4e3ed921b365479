import pytest

from phrom.accounts.models import Role
from phrom.accounts.services import invitation_create

pytestmark = pytest.mark.django_db


def test_coordinator_sees_only_the_people_of_the_own_agency(client, world):
    client.force_login(world.user("coordinator_a"))
    page = client.get("/accounts/colleagues/").content.decode()
    assert "respondent_a@example.go.th" in page
    assert "coordinator_a@example.go.th" in page
    assert "coordinator_b@example.go.th" not in page
    assert "reviewer@example.go.th" not in page


def test_coordinator_sees_the_pending_invitations_of_the_own_agency_only(client, world):
    invitation_create(by=world.user("coordinator_a"), email="mine@drr.go.th",
                      role=Role.RESPONDENT, agency=world.agency_a)
    invitation_create(by=world.user("coordinator_b"), email="theirs@doh.go.th",
                      role=Role.RESPONDENT, agency=world.agency_b)
    client.force_login(world.user("coordinator_a"))
    page = client.get("/accounts/colleagues/").content.decode()
    assert "mine@drr.go.th" in page
    assert "theirs@doh.go.th" not in page


def test_coordinator_cannot_look_at_another_agency_by_asking(client, world):
    client.force_login(world.user("coordinator_a"))
    page = client.get("/accounts/colleagues/?agency=mot-doh").content.decode()
    assert "coordinator_b@example.go.th" not in page
    assert "respondent_a@example.go.th" in page


@pytest.mark.parametrize("persona", ["respondent_a", "reviewer", "lead_reviewer", "executive",
                                     "outsider"])
def test_others_cannot_see_the_colleagues_page(client, world, persona):
    client.force_login(world.user(persona))
    assert client.get("/accounts/colleagues/").status_code == 403


def test_administrator_chooses_an_agency_to_see_its_people(client, world):
    client.force_login(world.user("administrator"))
    first = client.get("/accounts/colleagues/").content.decode()
    assert "coordinator_a@example.go.th" not in first
    # The agency is typed (with suggestions), not chosen from a list of every agency.
    assert 'name="agency"' in first and 'value="mot-drr"' not in first
    page = client.get("/accounts/colleagues/?agency=mot-doh").content.decode()
    assert "coordinator_b@example.go.th" in page
    assert "coordinator_a@example.go.th" not in page
    by_name = client.get("/accounts/colleagues/", {"agency": "ชนบท"}).content.decode()
    assert "coordinator_a@example.go.th" in by_name


def test_an_agency_that_cannot_be_told_apart_is_asked_for_again(client, world):
    client.force_login(world.user("administrator"))
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/colleagues/", {"agency": "ทางหลวง"}).content.decode()
    assert "is in the code or name of 2 agencies" in page
    assert "coordinator_a@example.go.th" not in page and "coordinator_b@example.go.th" not in page
    empty = client.get("/accounts/colleagues/", {"agency": ""}).content.decode()
    assert "Type an agency&#x27;s code, or a part of its name." in empty
