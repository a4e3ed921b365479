import re

import pytest
from axes.models import AccessAttempt
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, world):
    response = client.post("/accounts/password-reset/", {"email": "respondent_a@example.go.th"})
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
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.go.th"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_used_reset_link_cannot_be_used_again(client, world):
    client.post("/accounts/password-reset/", {"email": "respondent_a@example.go.th"})
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
    client.post("/accounts/password-reset/", {"email": "respondent_a@example.go.th"})
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
    client.post("/accounts/password-reset/", {"email": "respondent_a@example.go.th"})
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Brand-new-secret-31",
                          "new_password2": "Brand-new-secret-31"})
    response = client.post(
        "/accounts/login/", {"username": "respondent_a@example.go.th", "password": PASSWORD}
    )
    assert response.status_code == 200
