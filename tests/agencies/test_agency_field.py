"""The invitation form's agency: typed as a code or a part of a name, with suggestions, so
that the page stays small and quick however many agencies the registry holds."""

import pytest

from phrom.accounts.models import Invitation
from phrom.agencies.models import Agency
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def invite(client, agency: str, email: str = "somsri@drr.go.th"):
    return client.post(
        "/accounts/invite/", {"email": email, "role": "coordinator", "agency": agency}
    )


@pytest.fixture
def admin(client, world):
    client.force_login(world.user("administrator"))
    in_english(client)
    return client


@pytest.mark.parametrize("typed", ["mot-drr", "MOT-DRR", " mot-drr ", "ทางหลวงชนบท", "Rural Roads"])
def test_the_code_or_a_part_of_the_name_only_one_agency_has_names_it(admin, world, typed):
    invite(admin, typed)
    assert Invitation.objects.get(email="somsri@drr.go.th").agency == world.agency_a


def test_a_part_that_several_agencies_have_is_refused_naming_them(admin, world):
    # "ทางหลวง" is in the names of both departments (rural roads, highways).
    page = invite(admin, "ทางหลวง")
    text = page.content.decode()
    assert page.status_code == 200
    assert "is in the code or name of 2 agencies" in text
    assert "mot-doh" in text and "mot-drr" in text and "Type the code of the one you mean" in text
    assert 'value="ทางหลวง"' in text  # what was typed stays in the box
    assert not Invitation.objects.exists()


def test_an_unknown_or_inactive_agency_is_refused_saying_what_to_type(admin, world):
    Agency.objects.filter(pk=world.agency_b.pk).update(active=False)
    for typed in ("no-such-agency", "mot-doh"):
        page = invite(admin, typed)
        assert "No agency has the code or name" in page.content.decode()
    assert not Invitation.objects.exists()


def test_more_matches_than_are_shown_say_so(admin, world):
    Agency.objects.bulk_create(
        Agency(code=f"lg-{i:03d}", name_th=f"เทศบาลตำบล {i}", kind="sao") for i in range(30)
    )
    text = invite(admin, "lg-").content.decode()
    assert "is in the code or name of more than 10 agencies" in text
    assert "lg-009" in text and "lg-010" not in text


def test_the_page_lists_no_agency_however_many_there_are(admin, world):
    Agency.objects.bulk_create(
        Agency(code=f"lg-{i:05d}", name_th=f"เทศบาลตำบล {i}", kind="sao") for i in range(3000)
    )
    page = admin.get("/accounts/invite/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "lg-00001" not in text and "<option" not in text.split('name="agency"')[1][:2000]
    assert 'list="id_agency-suggestions"' in text and 'hx-get="/agencies/suggestions/"' in text


def test_suggestions_are_the_first_ten_matching_active_agencies(admin, world):
    Agency.objects.bulk_create(
        Agency(code=f"lg-{i:03d}", name_th=f"เทศบาลตำบลทดสอบ {i}", kind="sao",
               active=i != 0) for i in range(30)
    )
    text = admin.get("/agencies/suggestions/", {"agency": "ทดสอบ"}).content.decode()
    assert text.count("<option") == 10
    assert 'value="lg-001"' in text and 'value="lg-000"' not in text
    assert admin.get("/agencies/suggestions/", {"agency": "mot-drr"}).content.decode().count(
        "<option") == 1
    assert "<option" not in admin.get("/agencies/suggestions/", {"agency": ""}).content.decode()
    assert "<option" not in admin.get("/agencies/suggestions/").content.decode()


def test_a_coordinator_invites_for_the_own_agency_without_the_field(client, world):
    client.force_login(world.user("coordinator_a"))
    page = client.get("/accounts/invite/").content.decode()
    assert 'name="agency"' not in page
    client.post("/accounts/invite/", {"email": "r@drr.go.th", "role": "respondent",
                                      "agency": world.agency_b.code})
    assert Invitation.objects.get(email="r@drr.go.th").agency == world.agency_a


def test_the_refusal_is_in_thai_for_a_thai_reader(client, world):
    client.force_login(world.user("administrator"))
    text = invite(client, "ทางหลวง").content.decode()
    assert "อยู่ในรหัสหรือชื่อของหน่วยงาน 2 หน่วยงาน" in text
    assert "พิมพ์รหัสหน่วยงาน หรือส่วนหนึ่งของชื่อ" in text  # the field's help


@pytest.mark.parametrize("persona", ["reviewer", "lead_reviewer", "executive", "coordinator_a",
                                     "respondent_a", "outsider"])
def test_only_administrators_get_suggestions(client, world, persona):
    client.force_login(world.user(persona))
    assert client.get("/agencies/suggestions/", {"agency": "mot"}).status_code == 403


def test_suggestions_ask_to_sign_in_and_are_read_only(client, world):
    assert client.get("/agencies/suggestions/?agency=mot")["Location"].startswith(
        "/accounts/login/?next=")
    client.force_login(world.user("administrator"))
    assert client.post("/agencies/suggestions/", {"agency": "mot"}).status_code == 405


def test_codes_that_differ_only_by_case_are_told_apart(admin, world):
    upper = Agency.objects.create(code="MOT-DRR", name_th="สำนักงานทดสอบ", kind="department")
    invite(admin, "MOT-DRR", email="upper@example.go.th")
    invite(admin, "mot-drr", email="lower@example.go.th")
    assert Invitation.objects.get(email="upper@example.go.th").agency == upper
    assert Invitation.objects.get(email="lower@example.go.th").agency == world.agency_a
    # neither as typed: both are named, nothing is guessed
    text = invite(admin, "Mot-Drr", email="mixed@example.go.th").content.decode()
    assert "is in the code or name of 2 agencies" in text
    assert not Invitation.objects.filter(email="mixed@example.go.th").exists()
