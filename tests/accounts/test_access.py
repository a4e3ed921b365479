"""Who may open every URL under /accounts/: anonymous visitors, each role, an outsider."""

import pytest
from django.urls import get_resolver

from phrom.accounts.models import Role
from phrom.accounts.services import invitation_create

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "administrator", "lead_reviewer", "reviewer", "executive",
            "coordinator_a", "respondent_a", "coordinator_b", "outsider"]
PUBLIC = {p: 200 for p in PERSONAS}
LOGIN = "login"  # a redirect to the login page
MANAGERS_ONLY = {p: 403 for p in PERSONAS} | {
    "anonymous": LOGIN, "administrator": 200, "coordinator_a": 200, "coordinator_b": 200,
}

# url name -> (method, expected status per persona)
CASES = {
    "login": ("get", {p: 302 for p in PERSONAS} | {"anonymous": 200}),
    "logout": ("post", {p: 302 for p in PERSONAS}),
    "invite": ("get", MANAGERS_ONLY),
    "invitation": ("get", PUBLIC),
    # The invitation is of agency A: B's coordinator is told it does not exist.
    "revoke": ("post", {p: 403 for p in PERSONAS} | {
        "anonymous": LOGIN, "administrator": 302, "coordinator_a": 302, "coordinator_b": 404,
    }),
    "colleagues": ("get", MANAGERS_ONLY),
    "password_reset": ("get", PUBLIC),
    "password_reset_done": ("get", PUBLIC),
    "password_reset_confirm": ("get", PUBLIC),
    "password_reset_complete": ("get", PUBLIC),
}


def accounts_url_names():
    resolver = get_resolver()
    _prefix, accounts = resolver.namespace_dict["accounts"]
    return {p.name for p in accounts.url_patterns}


def test_every_accounts_url_has_an_access_rule():
    assert accounts_url_names() == set(CASES)


def url_for(name, world):
    if name == "invitation":
        _invitation, url = invitation_create(
            by=world.user("administrator"), email="access@example.go.th",
            role=Role.COORDINATOR, agency=world.agency_a,
        )
        return url
    if name == "revoke":
        invitation, _url = invitation_create(
            by=world.user("coordinator_a"), email="revoke@example.go.th",
            role=Role.RESPONDENT, agency=world.agency_a,
        )
        return f"/accounts/invitations/{invitation.pk}/revoke/"
    if name == "password_reset_confirm":
        return "/accounts/password-reset/MQ/not-a-token/"
    return {
        "login": "/accounts/login/",
        "logout": "/accounts/logout/",
        "invite": "/accounts/invite/",
        "colleagues": "/accounts/colleagues/",
        "password_reset": "/accounts/password-reset/",
        "password_reset_done": "/accounts/password-reset/sent/",
        "password_reset_complete": "/accounts/password-reset/complete/",
    }[name]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_the_accounts_pages_meant_for_it(client, world, persona):
    problems = []
    for name, (method, expected) in CASES.items():
        client.logout()
        if persona != "anonymous":
            client.force_login(world.user(persona))
        url = url_for(name, world)
        response = getattr(client, method)(url)
        want = expected[persona]
        if want == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/?next="
            )
        else:
            ok = response.status_code == want
        if not ok:
            problems.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("url", ["/accounts/invite/", "/accounts/colleagues/"])
def test_get_only_pages_refuse_nothing_but_reading_for_anonymous(client, url):
    assert client.post(url)["Location"].startswith("/accounts/login/")


def test_revoking_needs_a_post(client, world):
    invitation, _url = invitation_create(
        by=world.user("coordinator_a"), email="r@example.go.th",
        role=Role.RESPONDENT, agency=world.agency_a,
    )
    client.force_login(world.user("coordinator_a"))
    assert client.get(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 405
