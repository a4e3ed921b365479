import re

import pytest
from axes.models import AccessAttempt
from django.core import mail

from tests.conftest import PASSWORD
from tests.notifications.test_mail import run_worker

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


def ask(client, email, ip="10.0.0.1"):
    """Ask for a reset link, then let the task worker send what it was given."""
    response = client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=ip)
    run_worker()
    return response


def test_password_reset_mails_a_link_that_sets_a_new_password(client, world):
    response = ask(client, "respondent_a@example.go.th")
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["respondent_a@example.go.th"]
    assert "รหัสผ่าน" in message.subject
    link = RESET_LINK.search(message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Brand-new-secret-31", "new_password2": "Brand-new-secret-31"}
    )
    assert done["Location"] == "/accounts/password-reset/complete/"
    logged_in = client.post(
        "/accounts/login/",
        {"username": "respondent_a@example.go.th", "password": "Brand-new-secret-31"},
    )
    assert logged_in.status_code == 302


def test_password_reset_for_an_unknown_email_sends_nothing_and_looks_the_same(client, world):
    response = ask(client, "nobody@example.go.th")
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_used_reset_link_cannot_be_used_again(client, world):
    ask(client, "respondent_a@example.go.th")
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Brand-new-secret-31",
                          "new_password2": "Brand-new-secret-31"})
    page = client.get(link, follow=True)
    assert not page.context["validlink"]


def test_resetting_the_password_lifts_a_pause_on_logging_in(client, world):
    for _ in range(5):
        client.post("/accounts/login/",
                    {"username": "respondent_a@example.go.th", "password": "wrong"})
    assert AccessAttempt.objects.get().failures_since_start == 5
    ask(client, "respondent_a@example.go.th")
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Brand-new-secret-31",
                          "new_password2": "Brand-new-secret-31"})
    assert not AccessAttempt.objects.exists()
    response = client.post(
        "/accounts/login/",
        {"username": "respondent_a@example.go.th", "password": "Brand-new-secret-31"},
    )
    assert response.status_code == 302


def test_the_old_password_stops_working_after_a_reset(client, world):
    ask(client, "respondent_a@example.go.th")
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Brand-new-secret-31",
                          "new_password2": "Brand-new-secret-31"})
    response = client.post(
        "/accounts/login/", {"username": "respondent_a@example.go.th", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_the_reset_mail_is_sent_by_the_task_worker_not_the_request(client, world):
    client.post("/accounts/password-reset/", {"email": "respondent_a@example.go.th"})
    assert mail.outbox == []
    run_worker()
    assert [m.to for m in mail.outbox] == [["respondent_a@example.go.th"]]


def test_the_reset_request_does_the_same_work_for_an_unknown_address(client, world):
    def queries(email):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR="10.0.0.8")
        # The statements, without their values (the address, times, ids).
        return [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in captured.captured_queries]

    assert queries("respondent_a@example.go.th") == queries("nobody@example.go.th")


def test_reset_requests_for_one_address_are_limited_to_three_an_hour(client, world):
    for n in range(5):
        response = ask(client, "respondent_a@example.go.th", ip=f"10.0.1.{n}")
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 3


def test_reset_requests_from_one_address_are_limited_to_ten_an_hour(client, world):
    for n in range(10):
        ask(client, f"nobody{n}@example.go.th", ip="10.0.2.2")
    response = ask(client, "respondent_a@example.go.th", ip="10.0.2.2")
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []
    ask(client, "respondent_a@example.go.th", ip="10.0.2.3")
    assert len(mail.outbox) == 1


def test_the_reset_mail_is_in_the_language_of_the_page(client, world):
    from tests.conftest import in_english

    in_english(client)
    ask(client, "respondent_a@example.go.th")
    assert "password" in mail.outbox[0].subject.lower()
