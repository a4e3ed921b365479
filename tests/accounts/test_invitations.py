import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from phrom.accounts.models import Invitation, Profile, Role
from phrom.accounts.services import invitation_accept, invitation_create, invitation_revoke
from tests.accounts.helpers import invitation_link_in_last_mail
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Longer-and-unusual-92"


def invite(world, persona="administrator", email="new.person@example.go.th",
           role=Role.COORDINATOR, agency=None, dimensions=()):
    agency = world.agency_a if agency is None and role in (Role.COORDINATOR, Role.RESPONDENT) else agency
    return invitation_create(
        by=world.user(persona), email=email, role=role, agency=agency, dimensions=dimensions
    )


def accept(client, url, name="สมศรี ใจดี", password=NEW_PASSWORD, again=None):
    return client.post(
        url, {"name": name, "password": password, "password_again": again or password}
    )


# --- creating -----------------------------------------------------------------------------


def test_administrator_invites_a_coordinator_through_the_page(client, world):
    client.force_login(world.user("administrator"))
    response = client.post(
        "/accounts/invite/",
        {"email": "Somsri@DRR.go.th", "role": "coordinator", "agency": world.agency_a.code},
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.agency) == (
        "somsri@drr.go.th", "coordinator", world.agency_a,
    )
    link = invitation_link_in_last_mail()
    assert mail.outbox[-1].to == ["somsri@drr.go.th"]
    # The inviter sees the same link, so the invitation works without mail.
    assert link in response.content.decode()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())


def test_invitation_expires_after_fourteen_days(world):
    invitation, _url = invite(world)
    lifetime = invitation.expires_at - invitation.created_at
    assert dt.timedelta(days=13, hours=23) < lifetime <= dt.timedelta(days=14)


def test_administrator_may_invite_every_role(world):
    for n, role in enumerate(Role.values):
        invitation, _url = invite(world, email=f"person{n}@example.go.th", role=role)
        assert invitation.role == role


def test_staff_roles_have_no_agency(world):
    with pytest.raises(ValidationError) as exc:
        invite(world, role=Role.REVIEWER, agency=world.agency_a)
    assert "agency" in exc.value.error_dict


def test_agency_roles_need_an_agency(client, world):
    client.force_login(world.user("administrator"))
    response = client.post("/accounts/invite/", {"email": "x@example.go.th", "role": "coordinator"})
    assert response.status_code == 200
    assert response.context["form"].errors["agency"]
    assert not Invitation.objects.exists()


def test_coordinator_invites_a_respondent_limited_to_some_dimensions(client, world):
    client.force_login(world.user("coordinator_a"))
    client.post(
        "/accounts/invite/",
        {"email": "helper@drr.go.th", "role": "respondent", "dimensions": ["policy", "services"]},
    )
    invitation = Invitation.objects.get()
    assert invitation.agency == world.agency_a
    assert invitation.dimensions == ["policy", "services"]


def test_dimensions_must_be_of_the_open_cycle(world):
    with pytest.raises(ValidationError) as exc:
        invite(world, persona="coordinator_a", role=Role.RESPONDENT, dimensions=["astrology"])
    assert "dimensions" in exc.value.error_dict


def test_only_respondents_are_limited_to_dimensions(world):
    with pytest.raises(ValidationError):
        invite(world, persona="coordinator_a", role=Role.COORDINATOR, dimensions=["policy"])


def test_coordinator_cannot_invite_for_another_agency(client, world):
    with pytest.raises(PermissionDenied):
        invite(world, persona="coordinator_a", role=Role.RESPONDENT, agency=world.agency_b)
    # The page offers no agency choice; a forged one is ignored.
    client.force_login(world.user("coordinator_a"))
    client.post(
        "/accounts/invite/",
        {"email": "x@example.go.th", "role": "respondent", "agency": world.agency_b.code},
    )
    assert Invitation.objects.get().agency == world.agency_a


def test_coordinator_cannot_invite_an_administrator(client, world):
    with pytest.raises(PermissionDenied):
        invite(world, persona="coordinator_a", role=Role.ADMINISTRATOR, agency=None)
    client.force_login(world.user("coordinator_a"))
    response = client.post(
        "/accounts/invite/", {"email": "boss@example.go.th", "role": "administrator"}
    )
    assert response.context["form"].errors["role"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["respondent_a", "reviewer", "lead_reviewer", "executive",
                                     "outsider"])
def test_people_other_than_administrators_and_coordinators_cannot_invite(client, world, persona):
    with pytest.raises(PermissionDenied):
        invite(world, persona=persona, role=Role.RESPONDENT, agency=world.agency_a)
    client.force_login(world.user(persona))
    response = client.post(
        "/accounts/invite/", {"email": "x@example.go.th", "role": "respondent"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_invitation_page_answers_the_same_whether_or_not_the_address_has_an_account(
    client, world
):
    client.force_login(world.user("administrator"))
    pages = {}
    for email in ("reviewer@example.go.th", "someone.new@example.go.th"):
        response = client.post("/accounts/invite/", {"email": email, "role": "reviewer"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "already has an account" not in page and "มีบัญชีอยู่แล้ว" not in page
        created = page.split('class="invitation-created"', 1)[1].split("</section>", 1)[0]
        pages[email] = re.sub(r"[\w.-]+@example\.go\.th|/accounts/invitation/[\w-]+/", "X",
                              created)
        assert Invitation.objects.filter(email=email).exists()
    assert pages["reviewer@example.go.th"] == pages["someone.new@example.go.th"]


def test_the_owner_of_an_existing_account_is_mailed_to_sign_in_instead(world):
    _invitation, url = invite(world, email="Reviewer@Example.go.th", role=Role.REVIEWER)
    message = mail.outbox[-1]
    assert message.to == ["reviewer@example.go.th"]
    assert "/accounts/login/" in message.body
    assert "/accounts/invitation/" not in message.body
    assert "มีบัญชี" in message.body  # in Thai, like every invitation


def test_an_administrator_working_in_english_sends_the_invitation_in_thai(client, world):
    in_english(client).force_login(world.user("administrator"))
    client.post(
        "/accounts/invite/",
        {"email": "somsri@drr.go.th", "role": "coordinator", "agency": world.agency_a.code},
    )
    message = mail.outbox[-1]
    assert "กรมทางหลวงชนบท" in message.body  # the agency by its Thai name
    assert "Department of Rural Roads" not in message.body
    assert re.search(r"[\u0e00-\u0e7f]", message.subject)


def test_a_new_invitation_replaces_the_pending_one_of_the_same_address(client, world):
    _first, first_url = invite(world)
    _second, second_url = invite(world)
    assert client.get(first_url).status_code == 410
    assert client.get(second_url).status_code == 200


def _invite_through_the_page(client, user, email, role="respondent", agency=None):
    client.force_login(user)
    data = {"email": email, "role": role}
    if agency is not None:
        data["agency"] = agency.code
    return client.post("/accounts/invite/", data)


def _email_errors(response):
    return response.context["form"].errors.get("email", [])


def test_a_coordinator_cannot_cancel_another_agency_pending_invitation(client, world):
    _first, first_url = invite(world, persona="coordinator_a", email="new.staff@drr.go.th",
                               role=Role.RESPONDENT)
    response = _invite_through_the_page(client, world.user("coordinator_b"), "New.Staff@DRR.go.th")
    assert response.status_code == 200
    errors = _email_errors(response)
    assert errors == [
        "อีเมลนี้มีคำเชิญจากหน่วยงานอื่นที่ยังรอตอบรับอยู่ "
        "หากบุคคลนี้ทำงานในหน่วยงานของคุณ โปรดขอให้ผู้ดูแลการสำรวจถอนคำเชิญนั้น"
    ]
    page = response.content.decode()
    # Neither the other agency nor its coordinator is named.
    assert "กรมทางหลวงชนบท" not in page and world.agency_a.code not in page
    assert world.user("coordinator_a").username not in page
    assert Invitation.objects.filter(email="new.staff@drr.go.th").count() == 1
    assert client.get(first_url).status_code == 200


def test_a_coordinator_cannot_cancel_an_administrator_pending_invitation(client, world):
    _first, first_url = invite(world, email="New.Staff@drr.go.th", role=Role.REVIEWER)
    response = _invite_through_the_page(client, world.user("coordinator_a"), "new.staff@drr.go.th")
    assert "ผู้ดูแลการสำรวจ" in _email_errors(response)[0]
    first = Invitation.objects.get()
    assert first.is_pending and first.revoked_by is None
    assert client.get(first_url).status_code == 200


def test_a_coordinator_cannot_cancel_a_fellow_coordinator_pending_invitation(client, world):
    _first, first_url = invite(world, persona="coordinator_a", email="new.staff@drr.go.th",
                               role=Role.RESPONDENT)
    response = _invite_through_the_page(client, _second_coordinator_of_a(world),
                                        "new.staff@drr.go.th")
    assert "ผู้ประสานงานอีกคนของหน่วยงานของคุณ" in _email_errors(response)[0]
    assert client.get(first_url).status_code == 200


def test_the_refusal_in_english_names_whom_to_ask(client, world):
    invite(world, persona="coordinator_a", email="new.staff@drr.go.th", role=Role.RESPONDENT)
    in_english(client)
    response = _invite_through_the_page(client, world.user("coordinator_b"), "new.staff@drr.go.th")
    assert _email_errors(response) == [
        "This address already has a pending invitation from another agency. If this person "
        "works at your agency, ask the survey administrators to withdraw that invitation."
    ]


def test_an_administrator_replaces_a_coordinator_pending_invitation(client, world):
    first, first_url = invite(world, persona="coordinator_a", email="new.staff@drr.go.th",
                              role=Role.RESPONDENT)
    response = _invite_through_the_page(client, world.user("administrator"),
                                        "NEW.STAFF@drr.go.th", role="coordinator",
                                        agency=world.agency_b)
    assert response.status_code == 200 and response.context["created"]
    first.refresh_from_db()
    assert first.status == "revoked"
    assert first.revoked_by == world.user("administrator")
    gone = client.get(first_url)
    assert gone.status_code == 410
    assert "ถูกแทนที่ด้วยคำเชิญใหม่" in gone.content.decode()
    assert "ผู้ส่งได้ถอน" not in gone.content.decode()


def test_a_coordinator_re_inviting_replaces_the_own_pending_invitation(client, world):
    first, first_url = invite(world, persona="coordinator_a", email="new.staff@drr.go.th",
                              role=Role.RESPONDENT)
    response = _invite_through_the_page(client, world.user("coordinator_a"),
                                        "New.Staff@drr.go.th")
    assert response.context["created"]
    first.refresh_from_db()
    assert first.status == "revoked" and first.revoked_by == world.user("coordinator_a")
    assert client.get(first_url).status_code == 410
    assert client.get(response.context["created"]["url"]).status_code == 200


def test_an_expired_invitation_of_another_agency_does_not_block_nor_change(world):
    first, _url = invite(world, persona="coordinator_a", email="new.staff@drr.go.th",
                         role=Role.RESPONDENT)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    invite(world, persona="coordinator_b", email="new.staff@drr.go.th", role=Role.RESPONDENT,
           agency=world.agency_b)
    first.refresh_from_db()
    assert first.status == "expired" and first.revoked_by is None


def test_the_refusal_does_not_tell_whether_the_address_has_an_account(client, world):
    # An account whose owner was also invited by agency A (the link can no longer be
    # used, as the address has an account), and an address without one: the same answer.
    answers = []
    for email in ("respondent_a@example.go.th", "nobody.yet@example.go.th"):
        invite(world, persona="coordinator_a", email=email, role=Role.RESPONDENT)
        response = _invite_through_the_page(client, world.user("coordinator_b"), email)
        answers.append(_email_errors(response))
    assert answers[0] == answers[1] and answers[0]


def test_invitation_is_kept_and_shown_when_the_mail_cannot_be_sent(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(world.user("administrator"))
    response = client.post(
        "/accounts/invite/",
        {"email": "offline@example.go.th", "role": "coordinator", "agency": world.agency_a.code},
    )
    assert response.status_code == 200
    assert "/accounts/invitation/" in response.content.decode()
    assert Invitation.objects.filter(email="offline@example.go.th").exists()


# --- accepting ----------------------------------------------------------------------------


def test_invitee_sets_name_and_password_and_is_logged_in(client, world):
    _invitation, url = invite(world, persona="coordinator_a", role=Role.RESPONDENT,
                              dimensions=["policy"])
    page = client.get(url)
    assert page.status_code == 200
    assert "new.person@example.go.th" in page.content.decode()
    response = accept(client, url)
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username="new.person@example.go.th")
    assert (user.first_name, user.last_name, user.email) == ("สมศรี", "ใจดี", user.username)
    assert user.check_password(NEW_PASSWORD)
    profile = Profile.objects.get(user=user)
    assert (profile.role, profile.agency, profile.dimensions) == (
        "respondent", world.agency_a, ["policy"],
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None


def test_the_welcome_after_a_name_ending_in_a_full_stop_has_one_stop(client, world):
    from tests.conftest import in_english

    _invitation, url = invite(world)
    in_english(client)
    home = client.get(accept(client, url, name="Somsri J.")["Location"])
    text = home.content.decode()
    assert "Welcome, Somsri J.: your account is ready" in text
    assert "J.." not in text


def test_invitation_link_works_only_once(client, world):
    _invitation, url = invite(world)
    accept(client, url)
    client.logout()
    assert client.get(url).status_code == 410
    assert accept(client, url, password="Another-unusual-77").status_code == 410
    with pytest.raises(ValidationError) as exc:
        invitation_accept(token=url.rstrip("/").rsplit("/", 1)[1], name="X Y",
                          password="Another-unusual-77")
    assert exc.value.code == "accepted"
    assert get_user_model().objects.filter(username="new.person@example.go.th").count() == 1


def test_expired_invitation_is_refused(client, world):
    invitation, url = invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(url).status_code == 410
    assert accept(client, url).status_code == 410
    assert not get_user_model().objects.filter(username="new.person@example.go.th").exists()


def test_revoked_invitation_is_refused(client, world):
    invitation, url = invite(world, persona="coordinator_a", role=Role.RESPONDENT)
    invitation_revoke(invitation=invitation, by=world.user("coordinator_a"))
    response = client.get(url)
    assert response.status_code == 410
    assert accept(client, url).status_code == 410
    assert not get_user_model().objects.filter(username="new.person@example.go.th").exists()


def test_unknown_invitation_link_is_not_found(client, world):
    assert client.get("/accounts/invitation/not-a-real-token/").status_code == 404


def test_weak_password_is_refused_and_the_invitation_stays_usable(client, world):
    _invitation, url = invite(world)
    response = accept(client, url, password="12345678")
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert Invitation.objects.get().is_pending
    assert accept(client, url).status_code == 302


def test_the_two_passwords_must_match(client, world):
    _invitation, url = invite(world)
    response = accept(client, url, again="Something-else-55")
    assert response.context["form"].errors["password_again"]
    assert Invitation.objects.get().is_pending


# --- revoking -----------------------------------------------------------------------------


def test_coordinator_revokes_a_pending_invitation_of_the_own_agency(client, world):
    invitation, _url = invite(world, persona="coordinator_a", role=Role.RESPONDENT)
    client.force_login(world.user("coordinator_a"))
    response = client.post(f"/accounts/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert invitation.revoked_by == world.user("coordinator_a")


def test_coordinator_cannot_revoke_another_agency_invitation(client, world):
    invitation, _url = invite(world, persona="coordinator_b", role=Role.RESPONDENT,
                              agency=world.agency_b)
    client.force_login(world.user("coordinator_a"))
    assert client.post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 404
    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=invitation, by=world.user("coordinator_a"))
    invitation.refresh_from_db()
    assert invitation.is_pending


def _second_coordinator_of_a(world):
    user = get_user_model().objects.create_user(
        username="coordinator_a2@example.go.th", email="coordinator_a2@example.go.th",
        password="x-Unused-password-1",
    )
    Profile.objects.create(user=user, role=Role.COORDINATOR, agency=world.agency_a)
    return user


def test_coordinator_cannot_revoke_an_invitation_a_colleague_sent(client, world):
    invitation, _url = invite(world, persona="coordinator_a", role=Role.RESPONDENT)
    colleague = _second_coordinator_of_a(world)
    client.force_login(colleague)
    page = client.get("/accounts/colleagues/").content.decode()
    assert invitation.email in page
    assert f"/accounts/invitations/{invitation.pk}/revoke/" not in page
    assert client.post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 404
    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=invitation, by=colleague)
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_coordinator_sees_the_withdraw_button_on_the_own_invitations(client, world):
    invitation, _url = invite(world, persona="coordinator_a", role=Role.RESPONDENT)
    client.force_login(world.user("coordinator_a"))
    page = client.get("/accounts/colleagues/").content.decode()
    assert f"/accounts/invitations/{invitation.pk}/revoke/" in page


def test_administrator_revokes_an_invitation_a_coordinator_sent(client, world):
    invitation, _url = invite(world, persona="coordinator_a", role=Role.RESPONDENT)
    client.force_login(world.user("administrator"))
    assert client.post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert invitation.revoked_by == world.user("administrator")


def test_an_accepted_invitation_cannot_be_revoked(client, world):
    invitation, url = invite(world)
    accept(client, url)
    invitation.refresh_from_db()
    with pytest.raises(ValidationError):
        invitation_revoke(invitation=invitation, by=world.user("administrator"))
