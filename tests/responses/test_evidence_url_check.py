"""Web addresses: one check for evidence and for the answers of ``url`` questions.

Answers are shown to reviewers and published as open data, so they are held to the same
rules as evidence addresses (``phrom.responses.evidence.clean_url``): http:// or https://,
a valid site name or IP address, a port in range, no user name or password, no space and no
invisible character; each refusal says what to fix. Scheme and site are case-insensitive:
they are kept in lower case and two addresses that differ only there are the same.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from phrom.responses.evidence import EvidenceRejected, evidence_add_url
from phrom.responses.models import Answer, AnswerChange, Evidence
from tests.conftest import in_english
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db

URL_Q = "SRV-07-1"  # "Web address of the agency's main website"
POLICY_Q = "POL-01-1"  # takes evidence

BAD = [
    ("https://admin:P@ssw0rd@www.doh.go.th/", "Remove the user name and password"),
    ("https://@www.doh.go.th/", "Remove the user name and password"),
    ("https://!!!", "“!!!” is not a valid site name"),
    ("https://-bad-.com/", "“-bad-.com” is not a valid site name"),
    ("https://x.com:99999/", "must be a whole number from 1 to 65535"),
    ("https://x.com:0/", "must be a whole number from 1 to 65535"),
    ("https://x.com:80a/", "must be a whole number from 1 to 65535"),
    ("https://www.doh.go.th/\u200bplan", "invisible control character or zero-width space"),
    ("https://www.doh.go.th/\ufeff", "invisible control character or zero-width space"),
    ("https://www.doh.go.th/a plan.pdf", "holds a space"),
    ("https://www.doh.go.th/a\u00a0plan.pdf", "holds a space"),
    ("javascript:alert(1)", "starts with https:// or http://"),
    ("www.doh.go.th", "starts with https:// or http://"),
    ("https://[::1", "not a valid web address"),
    ("https://www.doh.go.th/" + "a" * 1000, "longer than 1000 characters"),
]
IDS = ["user and password", "empty user", "no letters", "hyphens at the ends", "port too large",
       "port zero", "port not a number", "zero-width space", "byte order mark", "space",
       "no-break space", "javascript", "no scheme", "unclosed bracket", "too long"]


@pytest.fixture
def coordinator(world, client):
    client.force_login(world.user("coordinator_a"))
    return client


@pytest.fixture
def english(coordinator):
    """The coordinator's pages, and the services' messages, in English."""
    with translation.override("en"):
        yield in_english(coordinator)


# --- answers of url questions --------------------------------------------------------------


@pytest.mark.parametrize(("url", "fragment"), BAD, ids=IDS)
def test_an_unusable_web_address_answer_is_refused_saying_what_to_fix(
    world, english, url, fragment
):
    reply = post_answer(english, world.response_a, URL_Q, {"value": url})
    assert reply.status_code == 400, reply.content
    message = reply.json()["message"]
    assert fragment in message
    assert "starting with https://\"" not in message and not message.endswith("https://")
    assert not Answer.objects.filter(question=URL_Q).exists()
    assert not AnswerChange.objects.exists()


@pytest.mark.parametrize(("url", "fragment"), BAD, ids=IDS)
def test_answers_and_evidence_refuse_an_address_with_the_same_words(
    world, english, url, fragment
):
    answer = post_answer(english, world.response_a, URL_Q, {"value": url}).json()
    with pytest.raises(EvidenceRejected) as caught:
        evidence_add_url(response=world.response_a, question=POLICY_Q, url=url,
                         by=world.user("coordinator_a"))
    assert answer["message"] == str(caught.value.message)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("http://www.doh.go.th/", "http://www.doh.go.th/"),
        ("  https://www.doh.go.th/about  ", "https://www.doh.go.th/about"),
        ("HTTPS://WWW.DOH.GO.TH/About", "https://www.doh.go.th/About"),
        ("https://กรมทางหลวง.ไทย/", "https://กรมทางหลวง.ไทย/"),
        ("https://203.150.1.10:8443/portal", "https://203.150.1.10:8443/portal"),
        ("https://www.doh.go.th/search?q=%E0%B8%96%E0%B8%99%E0%B8%99",
         "https://www.doh.go.th/search?q=%E0%B8%96%E0%B8%99%E0%B8%99"),
    ],
)
def test_a_usable_web_address_answer_is_kept_with_its_site_in_lower_case(
    world, coordinator, url, stored
):
    reply = post_answer(coordinator, world.response_a, URL_Q, {"value": url})
    assert reply.status_code == 200, reply.content
    assert Answer.objects.get(question=URL_Q).value == stored


def test_an_empty_web_address_answer_clears_it(world, coordinator):
    post_answer(coordinator, world.response_a, URL_Q, {"value": "https://www.doh.go.th/"})
    reply = post_answer(coordinator, world.response_a, URL_Q, {"value": "   "}, version=1)
    assert reply.status_code == 200, reply.content
    assert Answer.objects.get(question=URL_Q).value is None


def test_a_refused_web_address_answer_speaks_thai_by_default(world, coordinator):
    reply = post_answer(coordinator, world.response_a, URL_Q,
                        {"value": "https://admin:P@ssw0rd@www.doh.go.th/"})
    assert reply.status_code == 400
    assert "ชื่อผู้ใช้และรหัสผ่าน" in reply.json()["message"]


# --- evidence addresses ----------------------------------------------------------------------


def add(world, url: str) -> Evidence:
    return evidence_add_url(response=world.response_a, question=POLICY_Q, url=url,
                            by=world.user("coordinator_a"))


def test_an_address_differing_only_in_the_case_of_scheme_and_site_is_already_attached(world):
    first = add(world, "https://www.example.go.th/report.pdf")
    with translation.override("en"), pytest.raises(EvidenceRejected, match="already attached"):
        add(world, "HTTPS://WWW.EXAMPLE.GO.TH/report.pdf")
    assert list(Evidence.objects.values_list("pk", flat=True)) == [first.pk]


def test_an_address_kept_before_in_upper_case_is_found_as_the_same(world):
    # Rows written before addresses were kept in lower case.
    Evidence.objects.create(response=world.response_a, question=POLICY_Q,
                            url="HTTPS://WWW.EXAMPLE.GO.TH/report.pdf")
    with translation.override("en"), pytest.raises(EvidenceRejected, match="already attached"):
        add(world, "https://www.example.go.th/report.pdf")


def test_an_address_differing_in_the_case_of_its_path_is_another_address(world):
    add(world, "https://www.example.go.th/report.pdf")
    other = add(world, "https://www.example.go.th/Report.pdf")
    assert other.url == "https://www.example.go.th/Report.pdf"
    assert Evidence.objects.count() == 2


def test_an_evidence_address_is_kept_with_its_scheme_and_site_in_lower_case(world):
    assert add(world, "HTTP://Www.Example.Go.Th/Plan-2564.PDF").url == (
        "http://www.example.go.th/Plan-2564.PDF"
    )


def test_the_widget_shows_the_port_refusal_next_to_the_address_field(world, english):
    reply = english.post(
        f"/responses/{world.response_a.pk}/questions/{POLICY_Q}/evidence/url",
        {"url": "https://www.example.go.th:70000/report.pdf"}, HTTP_HX_REQUEST="true",
    )
    page = reply.content.decode()
    assert "must be a whole number from 1 to 65535" in page
    assert f'aria-describedby="evidence-{POLICY_Q}-url-error"' in page
    assert not Evidence.objects.exists()
