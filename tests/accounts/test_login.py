import pytest
from django.conf import settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_thai_by_default(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="th"' in page
    assert "เข้าสู่ระบบ" in page


def test_login_page_is_in_english_once_english_is_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en"' in page
    assert "Log in" in page and "E-mail" in page


def test_person_logs_in_with_the_email_and_lands_on_the_home_page(client, world):
    response = client.post(
        "/accounts/login/", {"username": "coordinator_a@example.go.th", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == world.user("coordinator_a").pk


def test_the_email_may_be_typed_in_any_case(client, world):
    response = client.post(
        "/accounts/login/", {"username": " Coordinator_A@Example.GO.th ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.user("coordinator_a").pk


def test_login_goes_back_to_the_page_asked_for(client, world):
    response = client.post(
        "/accounts/login/?next=/accounts/colleagues/",
        {"username": "coordinator_a@example.go.th", "password": PASSWORD,
         "next": "/accounts/colleagues/"},
    )
    assert response["Location"] == "/accounts/colleagues/"


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/accounts/login/", {"username": "coordinator_a@example.go.th", "password": "nope"}
    )
    assert response.status_code == 200
    assert "The e-mail or password is not right." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logged_in_person_opening_the_login_page_goes_home(client, world):
    client.force_login(world.user("reviewer"))
    assert client.get("/accounts/login/")["Location"] == "/"


def test_logout_needs_a_post(client, world):
    client.force_login(world.user("reviewer"))
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_ends_the_session_and_shows_the_login_page(client, world):
    client.force_login(world.user("reviewer"))
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert "ออกจากระบบแล้ว" in response.content.decode()


def test_nav_shows_the_links_of_each_role(client, world):
    def nav(persona):
        client.force_login(world.user(persona))
        # The navigation only: the front page itself links to each role's pages too.
        page = client.get("/").content.decode()
        return page.split('class="user-nav"', 1)[1].split("</nav>", 1)[0]

    coordinator = nav("coordinator_a")
    assert 'href="/responses/"' in coordinator and 'href="/accounts/colleagues/"' in coordinator
    assert 'href="/cycles/"' not in coordinator
    respondent = nav("respondent_a")
    assert 'href="/responses/"' in respondent and "/accounts/colleagues/" not in respondent
    administrator = nav("administrator")
    assert 'href="/cycles/"' in administrator and 'href="/accounts/invite/"' in administrator
    assert 'href="/responses/"' not in administrator
    reviewer = nav("reviewer")
    assert "/responses/" not in reviewer and "/accounts/invite/" not in reviewer
    outsider = nav("outsider")
    assert 'action="/accounts/logout/"' in outsider and "/accounts/invite/" not in outsider


def test_anonymous_visitor_sees_a_login_link(client):
    page = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in page
    assert "/accounts/logout/" not in page


def test_passwords_are_hashed_with_argon2(client, world, settings):
    from phrom import settings as project_settings

    # The suite swaps in a fast hasher (tests/conftest.py); the project's own setting is argon2.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = world.user("reviewer")
    user.set_password("Another-unusual-77")
    user.save()
    assert user.password.startswith("argon2$")
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "Another-unusual-77"}
    )
    assert response.status_code == 302
