"""Every URL answers odd input with a page or a refusal, never a server error.

The sweep walks every pattern of the URL configuration (the admin's included), puts odd
values where each parameter goes (digits that are not ASCII, NUL, numbers beyond 64 bits,
10,000 characters), sends odd query strings and form fields to each pattern reached with
good parameters, as each persona, by GET and by POST, and asserts that nothing answers 500.

Each request runs in a savepoint that is rolled back, so that one request's writes (a
sign-out, a status change) do not change what the next one finds, and so that a database
error on PostgreSQL does not spoil the rest of the test's transaction.
"""

from __future__ import annotations

import re
import traceback
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import in_english, make_world

# Odd values for a path parameter.
ODD = {
    "superscript": "²",
    "thai_digits": "๑๒",
    "fullwidth_digits": "１２",
    "arabic_indic": "١",
    "nul": "a\x00b",
    "beyond_64_bits": str(2**63),
    "long": "x" * 10_000,
}
# Odd values for every query-string value and form field at once: digits that str.isdigit()
# accepts and int() refuses, NUL, a number beyond 64 bits, text longer than any column.
ODD_FIELDS = ["²", "a\x00b", str(2**63), "x" * 10_000]
# An <id:...> parameter matches ASCII digits only: every other value is the same miss of
# the converter's pattern, so one of each kind is enough there.
ODD_IDS = ["²", "١", str(2**63)]
# The admin is Django's own: fewer values, each of a different kind.
ODD_ADMIN = ["²", "a\x00b", str(2**63)]

# Everything a Phrom form or view reads, and a few that Django's own views read.
FIELDS = [
    "username", "password", "email", "name", "password_again", "new_password1",
    "new_password2", "old_password", "role", "agency", "dimensions", "status", "confirm",
    "reason", "deadline", "response", "value", "base_version", "explanation",
    "not_applicable", "none_chosen", "url", "size", "language", "next", "page", "cycle",
    "focus", "q", "o", "p", "e", "_changelist_filters", "kind", "group", "ministry",
    "band", "sort", "dir", "screen",
]

PERSONAS = ["administrator", "coordinator_a", "outsider", "anonymous"]


def _patterns(resolvers: list[Any], prefix: str = "") -> list[tuple[str, list[str]]]:
    """Each URL pattern as (route, names of its parameters), in the order of the URLconf."""
    found: list[tuple[str, list[str]]] = []
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            found.append((route, _parameters(route)))
    return found


_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_PARAMETER = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _parameters(route: str) -> list[str]:
    return [m["name"] for m in _ROUTE_PARAMETER.finditer(route)] + [
        m["name"] for m in _REGEX_PARAMETER.finditer(route)
    ]


def _url(route: str, values: dict[str, str]) -> str:
    """ROUTE with each parameter replaced by its value, percent-encoded."""

    def fill(match: re.Match[str]) -> str:
        return quote(values[match["name"]], safe="")

    path = _ROUTE_PARAMETER.sub(fill, route)
    path = _REGEX_PARAMETER.sub(fill, path).replace("^", "").replace("$", "")
    return "/" + path


PATTERNS = _patterns(get_resolver().url_patterns)


@pytest.fixture(scope="module")
def sweep(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The personas' world, made once for the module and rolled back after it."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from phrom.accounts.services import invitation_create
    from phrom.responses.models import Evidence

    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        # The administrator of a real cycle is also the site's superuser (demo accounts).
        admin = world.user("administrator")
        admin.is_staff = admin.is_superuser = True
        admin.save()
        spec = world.cycle.framework.spec()
        dimension = spec.dimensions[0]
        question = dimension.indicators[0].questions[0]
        evidence = Evidence.objects.create(
            response=world.response_a, question=question.code, url="https://example.go.th/a"
        )
        invitation, link = invitation_create(
            by=admin, email="new@example.go.th", role="coordinator", agency=world.agency_a
        )
        user = world.user("coordinator_a")
        from phrom.exports.models import Export

        export = Export.objects.create(cycle=world.cycle, kind="results", requested_by=admin)
        good = {
            "token": link.rstrip("/").rsplit("/", 1)[-1],
            "invitation_id": str(invitation.pk),
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "response_id": str(world.response_a.pk),
            "question": question.code,
            "dimension": dimension.code,
            "evidence_id": str(evidence.pk),
            "code": world.cycle.code,
            "cycle": world.cycle.code,
            "agency": world.agency_a.code,
            "object_id": str(world.response_a.pk),
            "content_type_id": "1",
            "id": str(user.pk),
            "app_label": "responses",
            "url": "nowhere/",
            "year": str(world.cycle.year_be),
            "version": "1",
            "name": "results.csv",
            "export_id": str(export.pk),
        }
        good["reset_token"] = default_token_generator.make_token(user)
        clients = {}
        for persona in PERSONAS:
            client = Client()
            if persona != "anonymous":
                client.force_login(world.user(persona))
            clients[persona] = (client, {k: m.value for k, m in client.cookies.items()})
        yield good, clients, world
        transaction.set_rollback(True)


def _requests(
    route: str, names: list[str], good: dict[str, str], persona: str
) -> list[tuple[str, str, Any]]:
    """(method, url, form data) for one pattern: each parameter odd in turn, and good
    parameters with odd query strings and form fields."""
    good_values = {n: good["reset_token"] if n == "token" and "uidb64" in names else good[n]
                   for n in names}
    path_values, field_values = list(ODD.values()), ODD_FIELDS
    if route.startswith("admin/"):
        # The admin sends everyone but staff to its sign-in page before reading anything.
        path_values = ODD_ADMIN if persona == "administrator" else ODD_ADMIN[:1]
        field_values = ODD_FIELDS if persona == "administrator" else ODD_FIELDS[:1]
    done: list[tuple[str, str, Any]] = []
    for name in names:
        for odd in ODD_IDS if f"<id:{name}>" in route else path_values:
            url = _url(route, {**good_values, name: odd})
            done.append(("get", url, None))
            done.append(("post", url, {}))
    url = _url(route, good_values)
    for odd in field_values:
        done.append(("get", url + "?" + urlencode({field: odd for field in FIELDS}), None))
        done.append(("post", url, {field: odd for field in FIELDS}))
    return done


def _send(client: Client, method: str, url: str, data: Any) -> int:
    if method == "get":
        return client.get(url).status_code
    return client.post(url, data).status_code


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "names"), PATTERNS, ids=[p[0] or "/" for p in PATTERNS])
def test_no_url_answers_odd_input_with_a_server_error(sweep: Any, route: str, names: list[str]):
    good, clients, _world = sweep
    failures = []
    for persona in PERSONAS:
        client, cookies = clients[persona]
        for method, url, data in _requests(route, names, good, persona):
            client.cookies = SimpleCookie(cookies)
            try:
                with transaction.atomic():
                    status = _send(client, method, url, data)
                    transaction.set_rollback(True)
            except Exception as error:  # noqa: BLE001 - the finding itself
                frames = traceback.extract_tb(error.__traceback__)
                ours = [f for f in frames if "/phrom/" in f.filename] or frames
                last = ours[-1]
                failures.append(
                    f"{persona} {method.upper()} {url[:120]}: {error!r:.200} "
                    f"at {last.filename}:{last.lineno}"
                )
                continue
            if status >= 500:
                failures.append(f"{persona} {method.upper()} {url[:120]}: {status}")
    assert not failures, "\n".join(failures[:20])


# --- each odd input named in issue 12, with the answer it gets ------------------------------


@pytest.fixture
def world(sweep: Any, db: None) -> Any:
    """The sweep's world (the module's transaction holds it; a second one would clash)."""
    return sweep[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    ["/results/²/", "/responses/١/", "/responses/๑/", "/responses/１/",
     "/responses/²/history/", "/responses/evidence/๑/download",
     f"/responses/{2**63}/", f"/responses/{2**64}/submit/", "/responses/9" + "9" * 10_000 + "/",
     "/accounts/invitations/๑/revoke/"],
)
def test_an_id_in_odd_digits_or_beyond_64_bits_is_not_found(world, client, address):
    client.force_login(world.user("administrator"))
    assert client.get(address).status_code == 404
    assert client.post(address).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/results/a%00b/", "/cycles/%00/", "/responses/1/%00/"])
def test_nul_in_an_address_is_not_found(world, client, address):
    client.force_login(world.user("administrator"))
    assert client.get(address).status_code == 404


@pytest.mark.django_db
def test_nul_in_a_query_string_is_a_bad_request_that_says_so(world, client):
    client.force_login(world.user("administrator"))
    in_english(client)
    page = client.get("/accounts/colleagues/?agency=mot%00drr")
    assert page.status_code == 400
    assert "NUL character; remove it" in page.content.decode()
    client.cookies.pop("django_language", None)
    thai = client.get("/results/th-2564/?page=%00")
    assert thai.status_code == 400
    assert "อักขระ NUL" in thai.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("version", [str(2**31), str(2**32), str(2**64), "1" * 5000, "²", "๑"])
def test_autosave_refuses_a_version_beyond_32_bits_with_a_message(world, client, version):
    from phrom.responses.models import Answer

    client.force_login(world.user("coordinator_a"))
    in_english(client)
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-01-1/",
        {"base_version": version, "value": "yes"},
        HTTP_ACCEPT="application/json",
    )
    assert reply.status_code == 400
    assert "reload" in reply.json()["message"]
    assert not Answer.objects.filter(response=world.response_a).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["http://[::1", "http://exa mple.go.th/", "https://example.go.th/" + "a" * 10_000,
     "javascript:alert(1)", "https://example.go.th/a\x00b", "ftp://example.go.th/"],
)
def test_a_malformed_web_address_as_evidence_is_refused_with_a_message(world, client, url):
    from phrom.responses.models import Evidence

    client.force_login(world.user("coordinator_a"))
    evidence = Evidence.objects.count()
    reply = client.post(
        f"/responses/{world.response_a.pk}/questions/POL-01-1/evidence/url", {"url": url}
    )
    assert reply.status_code == 400
    assert 'role="alert"' in reply.content.decode() or "error" in reply.content.decode()
    assert Evidence.objects.count() == evidence


LONG_NAME = "a" * 100_000 + "@example.go.th"


@pytest.mark.django_db
def test_a_login_name_of_100000_characters_gets_the_sign_in_form_again(world, client):
    in_english(client)
    page = client.post("/accounts/login/", {"username": LONG_NAME, "password": "x"})
    assert page.status_code == 200
    assert "at most 150 characters" in page.content.decode()


@pytest.mark.django_db
def test_a_login_name_of_100000_characters_gets_the_admin_sign_in_form_again(world, client):
    page = client.post("/admin/login/", {"username": LONG_NAME, "password": "x"})
    assert page.status_code in (200, 429)


@pytest.mark.django_db
def test_a_password_reset_for_100000_characters_gets_the_form_again(world, client):
    in_english(client)
    page = client.post("/accounts/password-reset/", {"email": LONG_NAME})
    assert page.status_code == 200
    assert "at most" in page.content.decode()


@pytest.mark.django_db
def test_an_invitation_for_100000_characters_gets_the_form_again(world, client):
    from phrom.accounts.models import Invitation

    client.force_login(world.user("administrator"))
    in_english(client)
    invitations = Invitation.objects.count()
    page = client.post(
        "/accounts/invite/",
        {"email": LONG_NAME, "role": "coordinator", "agency": world.agency_a.code},
    )
    assert page.status_code == 200
    assert "at most 150 characters" in page.content.decode()
    assert Invitation.objects.count() == invitations


@pytest.mark.django_db
def test_accepting_an_invitation_with_a_name_of_100000_characters_gets_the_form_again(
    world, client
):
    from phrom.accounts.services import invitation_create

    _invitation, link = invitation_create(
        by=world.user("administrator"), email="new@example.go.th", role="coordinator",
        agency=world.agency_a,
    )
    in_english(client)
    page = client.post(
        link, {"name": "ก" * 100_000, "password": "long-Password-9", "password_again": "long-Password-9"}
    )
    assert page.status_code == 200
    assert "at most" in page.content.decode()


@pytest.mark.django_db
def test_a_value_too_long_is_refused_in_thai_for_a_thai_reader(world, client):
    """Django's Thai catalog leaves its length limits in English; Phrom's says them."""
    client.force_login(world.user("administrator"))
    page = client.post("/accounts/invite/", {"email": "t@example.go.th", "role": "coordinator",
                                             "agency": "x" * 300}).content.decode()
    assert "ยาวเกินไป: พิมพ์ได้ไม่เกิน 255 ตัวอักษร (ตอนนี้มี 300 ตัวอักษร)" in page
    assert "Ensure this value" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "signed_in", "data"),
    [
        ("/accounts/invite/", True, {"email": "a\x00b@example.go.th", "role": "reviewer"}),
        ("/accounts/login/", False, {"username": "a\x00b@example.go.th", "password": "x"}),
    ],
    ids=["invite", "login"],
)
def test_a_nul_character_is_refused_in_thai_for_a_thai_reader(world, client, path, signed_in,
                                                              data):
    """Django's Thai catalog leaves "Null characters are not allowed." in English."""
    if signed_in:
        client.force_login(world.user("administrator"))
    response = client.post(path, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "มีอักขระที่มองไม่เห็น (NUL) ซึ่งใช้ไม่ได้: โปรดพิมพ์ค่านี้ใหม่" in page
    assert "Null characters" not in page
