import pytest

from phrom.accounts.models import Profile

pytestmark = pytest.mark.django_db


def test_text_size_is_stored_on_the_profile_of_a_logged_in_person(client, world):
    client.force_login(world.user("coordinator_a"))
    client.post("/text-size", {"size": "lg", "next": "/"})
    assert Profile.objects.get(user=world.user("coordinator_a")).text_size == "lg"


def test_the_stored_size_follows_the_person_to_another_browser(client, world, django_user_model):
    from django.test import Client

    client.force_login(world.user("coordinator_a"))
    client.post("/text-size", {"size": "xs", "next": "/"})
    other_browser = Client()
    other_browser.force_login(world.user("coordinator_a"))
    assert 'class="text-xs"' in other_browser.get("/").content.decode()


def test_the_profile_size_wins_over_the_cookie(client, world):
    Profile.objects.filter(user=world.user("reviewer")).update(text_size="lg")
    client.cookies["phrom_text_size"] = "sm"
    client.force_login(world.user("reviewer"))
    assert 'class="text-lg"' in client.get("/").content.decode()


def test_visitors_keep_the_size_in_a_cookie_only(client, world):
    client.post("/text-size", {"size": "sm", "next": "/"})
    assert 'class="text-sm"' in client.get("/").content.decode()
    assert set(Profile.objects.values_list("text_size", flat=True)) == {"md"}


def test_a_person_without_a_profile_keeps_the_cookie_size(client, world):
    client.force_login(world.user("outsider"))
    client.post("/text-size", {"size": "xsm", "next": "/"})
    assert 'class="text-xsm"' in client.get("/").content.decode()


def test_an_unknown_size_changes_nothing(client, world):
    client.force_login(world.user("coordinator_a"))
    client.post("/text-size", {"size": "huge", "next": "/"})
    assert Profile.objects.get(user=world.user("coordinator_a")).text_size == "md"


def test_the_size_buttons_are_plain_form_buttons(client, world):
    # Works without JavaScript and from the keyboard: a form post with <button>s.
    page = client.get("/").content.decode()
    assert '<form method="post" action="/text-size"' in page
    assert page.count('type="submit" name="size"') == 5
