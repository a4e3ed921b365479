import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from phrom.accounts.models import FailedLogin
from phrom.accounts.selectors import login_blocked_until
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "coordinator_a@example.go.th"


def attempt(client, username=EMAIL, password="wrong-password", ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def test_five_failures_pause_logging_in_even_with_the_right_password(client, world):
    for _ in range(5):
        attempt(client)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)
    assert "พักการเข้าสู่ระบบ" in response.content.decode()


def test_four_failures_still_allow_logging_in(client, world):
    for _ in range(4):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_pause_message_says_when_to_try_again(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(5):
        attempt(client)
    oldest = FailedLogin.objects.filter(username=EMAIL).order_by("at").first().at
    again = timezone.localtime(oldest + dt.timedelta(minutes=15)).strftime("%H:%M")
    page = attempt(client, password=PASSWORD).content.decode()
    assert "Too many failed attempts to log in" in page
    assert f"paused until {again}" in page
    assert "minutes" in page


def test_failures_older_than_fifteen_minutes_do_not_count(client, world):
    for _ in range(5):
        attempt(client)
    FailedLogin.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, password=PASSWORD).status_code == 302


def test_a_successful_login_clears_the_username_failures(client, world):
    for _ in range(4):
        attempt(client)
    attempt(client, password=PASSWORD)
    assert not FailedLogin.objects.filter(username=EMAIL).exists()
    client.logout()
    for _ in range(4):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302


def test_the_pause_is_per_username(client, world):
    for _ in range(5):
        attempt(client)
    response = attempt(client, username="coordinator_b@example.go.th", password=PASSWORD)
    assert response.status_code == 302


def test_failures_typed_in_another_case_count_for_the_same_username(client, world):
    for _ in range(5):
        attempt(client, username=EMAIL.upper())
    assert attempt(client, password=PASSWORD).status_code == 200
    assert not logged_in(client)


def test_twenty_failures_from_one_address_pause_every_username_from_it(client, world):
    for n in range(20):
        attempt(client, username=f"guess{n}@example.go.th", ip="10.9.9.9")
    refused = attempt(client, username="reviewer@example.go.th", password=PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 200
    assert not logged_in(client)
    allowed = attempt(client, username="reviewer@example.go.th", password=PASSWORD, ip="10.1.1.1")
    assert allowed.status_code == 302


def test_the_pause_holds_across_app_servers_as_failures_are_in_the_database(client, world):
    # Failures recorded by other app servers are rows in the shared table.
    for _ in range(5):
        FailedLogin.objects.create(username=EMAIL, ip="192.0.2.7")
    assert attempt(client, password=PASSWORD, ip="198.51.100.3").status_code == 200
    assert not logged_in(client)


def test_refused_attempts_do_not_extend_the_pause(client, world):
    for _ in range(5):
        attempt(client)
    before = login_blocked_until(username=EMAIL, ip=None)
    for _ in range(3):
        attempt(client)
    assert FailedLogin.objects.filter(username=EMAIL).count() == 5
    assert login_blocked_until(username=EMAIL, ip=None) == before


def test_the_pause_ends_when_the_oldest_counted_failure_leaves_the_window(world):
    now = timezone.now()
    for minutes_ago in (14, 10, 8, 4, 1):
        row = FailedLogin.objects.create(username=EMAIL, ip="10.0.0.1")
        FailedLogin.objects.filter(pk=row.pk).update(at=now - dt.timedelta(minutes=minutes_ago))
    until = login_blocked_until(username=EMAIL, ip="10.0.0.1", now=now)
    assert until == now - dt.timedelta(minutes=14) + dt.timedelta(minutes=15)
    assert login_blocked_until(username=EMAIL, ip=None, now=until + dt.timedelta(seconds=1)) is None
