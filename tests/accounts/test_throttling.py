import datetime as dt
import threading

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "coordinator_a@example.go.th"


def attempt(client, username=EMAIL, password="wrong-password", ip="10.0.0.1", path=None):
    return client.post(
        path or "/accounts/login/", {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def failures(**filters):
    return sum(AccessAttempt.objects.filter(**filters).values_list(
        "failures_since_start", flat=True))


def test_five_failures_pause_logging_in_even_with_the_right_password(client, world):
    for _ in range(5):
        attempt(client)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 429
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
    last = AccessAttempt.objects.get(username=EMAIL).attempt_time
    again = timezone.localtime(last + dt.timedelta(minutes=15)).strftime("%H:%M")
    page = attempt(client, password=PASSWORD).content.decode()
    assert "Too many failed attempts to log in" in page
    assert f"paused until {again}" in page
    assert "minutes" in page and "reset your password" in page


def test_the_pause_message_is_in_thai_with_the_time(client, world):
    for _ in range(5):
        attempt(client)
    page = attempt(client, password=PASSWORD).content.decode()
    assert "ระบบพักการเข้าสู่ระบบไว้จนถึงเวลา" in page
    last = AccessAttempt.objects.get(username=EMAIL).attempt_time
    assert timezone.localtime(last + dt.timedelta(minutes=15)).strftime("%H:%M") in page


def test_failures_older_than_fifteen_minutes_do_not_count(client, world):
    for _ in range(5):
        attempt(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, password=PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failures_of_that_account_from_that_address(client, world):
    for _ in range(4):
        attempt(client)
    attempt(client, password=PASSWORD)
    assert failures(username=EMAIL, ip_address="10.0.0.1") == 0
    client.logout()
    for _ in range(4):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302


def test_the_pause_is_per_account(client, world):
    for _ in range(5):
        attempt(client)
    response = attempt(client, username="coordinator_b@example.go.th", password=PASSWORD)
    assert response.status_code == 302


def test_failures_typed_in_another_case_count_for_the_same_account(client, world):
    for _ in range(5):
        attempt(client, username=EMAIL.upper())
    assert attempt(client, password=PASSWORD).status_code == 429
    assert not logged_in(client)


def test_look_alike_unicode_spellings_count_for_the_same_account(client, world):
    full_width = "ｃｏｏｒｄｉｎａｔｏｒ＿ａ＠ｅｘａｍｐｌｅ．ｇｏ．ｔｈ"
    for spelling in (full_width, "COORDINATOR_A@EXAMPLE.GO.TH", full_width.upper(),
                     "Coordinator_A@example.go.th", full_width):
        attempt(client, username=spelling)
    assert AccessAttempt.objects.values("username").distinct().count() == 1
    assert attempt(client, password=PASSWORD).status_code == 429


def test_the_account_signs_in_with_a_look_alike_spelling_of_its_name(client, world):
    full_width = "ＣＯＯＲＤＩＮＡＴＯＲ_A@example.go.th"
    assert attempt(client, username=full_width, password=PASSWORD).status_code == 302
    assert int(client.session["_auth_user_id"]) == world.user("coordinator_a").pk


def test_made_up_names_from_one_address_do_not_pause_real_accounts(client, world):
    for n in range(20):
        attempt(client, username=f"guess{n}@example.go.th", ip="10.9.9.9")
    allowed = attempt(client, username="reviewer@example.go.th", password=PASSWORD,
                      ip="10.9.9.9")
    assert allowed.status_code == 302


def test_one_address_cannot_pause_an_account_for_other_addresses(client, world):
    for _ in range(10):
        attempt(client, ip="203.0.113.66")
    assert failures(username=EMAIL) == 5  # refused attempts are not counted
    assert attempt(client, ip="203.0.113.66", password=PASSWORD).status_code == 429
    assert attempt(client, ip="10.0.0.1", password=PASSWORD).status_code == 302


def test_failures_from_many_addresses_pause_the_account_everywhere(client, world):
    for n in range(20):
        attempt(client, ip=f"198.51.100.{n}")
    assert attempt(client, ip="10.0.0.1", password=PASSWORD).status_code == 429
    assert not logged_in(client)


def test_an_address_that_fails_a_hundred_times_is_paused_for_every_account(client, world):
    for n in range(100):
        attempt(client, username=f"guess{n}@example.go.th", ip="10.9.9.9")
    refused = attempt(client, username="reviewer@example.go.th", password=PASSWORD,
                      ip="10.9.9.9")
    assert refused.status_code == 429
    allowed = attempt(client, username="reviewer@example.go.th", password=PASSWORD,
                      ip="10.1.1.1")
    assert allowed.status_code == 302


def test_the_pause_holds_across_app_servers_as_failures_are_in_the_database(world):
    # Two clients stand for two app servers: they share nothing but the database.
    first, second = Client(), Client()
    for _ in range(3):
        attempt(first, ip="192.0.2.7")
    for _ in range(2):
        attempt(second, ip="192.0.2.7")
    assert attempt(first, ip="192.0.2.7", password=PASSWORD).status_code == 429


def test_refused_attempts_do_not_extend_the_pause(client, world):
    for _ in range(5):
        attempt(client)
    before = AccessAttempt.objects.get(username=EMAIL).attempt_time
    for _ in range(3):
        assert attempt(client).status_code == 429
    row = AccessAttempt.objects.get(username=EMAIL)
    assert row.failures_since_start == 5
    assert row.attempt_time == before


def test_the_admin_login_is_paused_like_the_site_login(client, world):
    admin = world.user("administrator")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    for _ in range(5):
        response = attempt(client, username=admin.username, path="/admin/login/")
        assert response.status_code == 200
    refused = attempt(client, username=admin.username, password=PASSWORD, path="/admin/login/")
    assert refused.status_code == 429
    assert "พักการเข้าสู่ระบบ" in refused.content.decode()
    assert not logged_in(client)
    # The same count guards the site's own sign-in.
    assert attempt(client, username=admin.username, password=PASSWORD).status_code == 429


def test_the_password_is_not_stored_with_the_failures(client, world):
    attempt(client, password="a-secret-guess")
    row = AccessAttempt.objects.get()
    assert "a-secret-guess" not in row.post_data + row.get_data


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_simultaneous_guesses_gets_no_more_than_five(world):
    """Twelve guesses at once, each from its own thread and connection, as from several
    app servers: five are checked, the rest refused."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("needs a database file shared by connections")
    statuses: list[int] = []
    start = threading.Barrier(12)

    def guess(n: int) -> None:
        try:
            start.wait()
            response = attempt(Client(), password=f"guess-{n}", ip="198.51.100.9")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # At most five are checked. An attempt that reads the count after others of the burst
    # have added theirs is refused even if it came fifth: fewer checks, never more.
    assert len(statuses) == 12 and set(statuses) <= {200, 429}
    assert 1 <= statuses.count(200) <= 5
    assert failures(username=EMAIL) <= 12


def test_behind_a_proxy_failures_are_counted_under_the_address_the_proxy_saw(client, world,
                                                                             settings):
    settings.PHROM_BEHIND_PROXY = True
    for n in range(5):
        client.post(
            "/accounts/login/", {"username": EMAIL, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        )
    assert failures(ip_address="203.0.113.5") == 5
    assert failures(ip_address="10.0.0.2") == 0


def test_without_a_proxy_a_forwarded_address_is_not_believed(client, world):
    attempt_with_header = client.post(
        "/accounts/login/", {"username": EMAIL, "password": "wrong"},
        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert attempt_with_header.status_code == 200
    assert failures(ip_address="10.0.0.2") == 1


def test_attempts_from_an_unknown_address_are_counted_too(client, world):
    # (gunicorn on a unix socket without PHROM_BEHIND_PROXY gives no address)
    for _ in range(5):
        assert attempt(client, ip="").status_code == 200
    assert failures(username=EMAIL, ip_address=None) == 5
    assert attempt(client, ip="", password=PASSWORD).status_code == 429
