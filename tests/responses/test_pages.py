"""The questionnaire page: proper controls for every type, labels, Thai first, progress."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils.html import escape

from phrom.responses.models import Evidence
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """Every form control and every label of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.open_labels = 0
        self.fieldsets = 0
        self.legends = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "textarea", "select") and a.get("type") != "hidden":
            a["_tag"] = tag
            a["_in_label"] = "1" if self.open_labels else ""
            self.controls.append(a)
        if tag == "fieldset":
            self.fieldsets += 1
        if tag == "legend":
            self.legends += 1

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "label":
            self.open_labels -= 1


def _page(client, world, path=""):
    return client.get(f"/responses/{world.response_a.pk}/{path}").content.decode()


def _block(html: str, code: str) -> str:
    start = html.index(f'id="q-{code}"')
    following = re.search(r'<div class="q(?: q-off)?" id="q-', html[start + 5:])
    return html[start:start + 5 + following.start()] if following else html[start:]


def test_every_control_has_a_label_and_ids_are_unique(world, client):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world)
    parsed = Controls()
    parsed.feed(html)
    assert parsed.controls
    unlabelled = [
        c for c in parsed.controls
        if not c["_in_label"] and c.get("id") not in parsed.label_for and not c.get("aria-label")
    ]
    assert unlabelled == []
    duplicates = {i for i in parsed.ids if parsed.ids.count(i) > 1}
    assert duplicates == set()
    assert parsed.fieldsets == parsed.legends


def test_choices_are_fieldsets_with_the_question_as_legend(world, client, spec):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world, "policy/")
    for code, count, kind in (("POL-01-1", 2, "radio"), ("POL-02-2", 4, "radio"),
                              ("POL-08-1", 8, "checkbox"), ("POL-06-1", 6, "radio")):
        block = _block(html, code)
        assert re.search(r"<fieldset[^>]*>\s*<legend><h4", block), code
        assert spec.question(code).text.th in block
        assert block.count(f'type="{kind}"') == count, code


def test_maturity_levels_show_their_description_where_the_answer_is_chosen(world, client, spec):
    client.force_login(world.user("coordinator_a"))
    block = _block(_page(client, world, "policy/"), "POL-06-1")
    for level, text in enumerate(spec.question("POL-06-1").levels):
        label = re.search(
            rf'<input type="radio" id="q-POL-06-1-{level}" name="value" value="{level}"[^>]*>'
            rf'<label for="q-POL-06-1-{level}">(.*?)</label>', block
        )
        assert label and text.th in label.group(1)


def test_numbers_have_unit_and_bounds_and_percentages_0_to_100(world, client):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world, "policy/")
    block = _block(html, "POL-04-2")
    assert re.search(r'<input type="number" id="q-POL-04-2-v"[^>]* min="0"', block)
    assert "ฉบับ" in block  # unit, in Thai
    block = _block(html, "POL-03-1")
    assert re.search(r'type="number"[^>]* min="0" max="100"', block)
    assert '<span class="q-unit">%</span>' in block
    html = _page(client, world, "capability/")
    assert re.search(r'min="0" max="10"', _block(html, "CAP-07-1"))


def test_text_url_and_file_questions(world, client):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world, "policy/")
    assert '<textarea id="q-POL-03-2-v" name="value"' in _block(html, "POL-03-2")
    assert '<input type="url" id="q-POL-10-3-v" name="value"' in _block(html, "POL-10-3")
    file_block = _block(html, "POL-06-2")
    assert 'name="value"' not in file_block
    assert 'class="q-evidence"' in file_block


def test_not_applicable_is_offered_only_where_allowed(world, client):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world, "policy/")
    assert 'name="not_applicable"' in _block(html, "POL-04-1")
    assert 'name="not_applicable"' not in _block(html, "POL-01-1")


def test_every_question_has_an_explanation_help_and_a_status(world, client, spec):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world, "policy/")
    block = _block(html, "POL-01-1")
    assert '<textarea id="q-POL-01-1-x" name="explanation"' in block
    assert spec.question("POL-01-1").help.th in block
    assert 'aria-describedby="q-POL-01-1-help"' in block
    assert re.search(r'class="q-status"[^>]*role="status" aria-live="polite"', block)


def test_the_page_holds_each_answers_version(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-06-1", {"value": "2"}, 0)
    post_answer(client, world.response_a, "POL-06-1", {"value": "3"}, 1)
    block = _block(_page(client, world, "policy/"), "POL-06-1")
    assert '<input type="hidden" name="base_version" value="2">' in block
    assert re.search(r'id="q-POL-06-1-3" name="value" value="3" checked', block)


def test_thai_is_the_default_and_english_is_offered(world, client, spec):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world, "policy/")
    assert '<html lang="th"' in html
    assert spec.question("POL-01-1").text.th in html
    assert "ใช่" in html  # "Yes"
    client.cookies["django_language"] = "en"
    html = _page(client, world, "policy/")
    assert '<html lang="en"' in html
    assert escape(spec.question("POL-01-1").text.en) in html


def test_dates_are_in_the_buddhist_era(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"})
    block = _block(_page(client, world, "policy/"), "POL-01-1")
    status = re.search(r'class="q-status"[^>]*>(.*?)</p>', block).group(1)
    assert re.search(r"25[6-9]\d", status)  # B.E. year
    assert "coordinator_a" in status


def test_navigation_shows_progress_per_dimension(world, client, spec):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "no"})
    Evidence.objects.create(response=world.response_a, question="POL-01-1",
                            url="https://example.go.th/plan.pdf")
    html = _page(client, world, "policy/")
    nav = html[html.index('class="qn-nav"'):html.index("</nav>", html.index('class="qn-nav"'))]
    for dimension in spec.dimensions:
        assert f'/responses/{world.response_a.pk}/{dimension.code}/"' in nav
    assert 'aria-current="page"' in nav
    policy = nav[nav.index("/policy/"):nav.index("/capability/")]
    # POL-01-1 = no: its two follow-up questions are not asked, so 14 are required
    assert re.search(r"\b1\b[^<]*\b14\b", policy)
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"}, 1)
    html = _page(client, world, "policy/")
    nav = html[html.index('class="qn-nav"'):html.index("</nav>", html.index('class="qn-nav"'))]
    policy = nav[nav.index("/policy/"):nav.index("/capability/")]
    assert re.search(r"\b1\b[^<]*\b16\b", policy)


def test_all_parts_page_shows_every_question(world, client, spec):
    client.force_login(world.user("coordinator_a"))
    html = _page(client, world)
    for question in spec.questions:
        assert f'id="q-{question.code}"' in html
