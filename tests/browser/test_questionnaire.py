"""The questionnaire in a real browser: every type, conflicts, offline saves, submission,
the keyboard, and axe-core.

Each test checks the database (and the history) after the page says "saved": the page's
word is not taken for it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from phrom.accounts.models import Profile
from phrom.responses.models import Answer, AnswerChange, ChangeKind, Evidence, ResponseStatus
from tests.conftest import PASSWORD, run_axe
from tests.responses.helpers import complete_response

PROJECT_STATIC = Path(__file__).resolve().parents[2] / "phrom" / "static"
AXE = PROJECT_STATIC / "vendor" / "axe-core" / "axe.min.js"
TIMEOUT = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_coordinator_a(world):
    user = get_user_model().objects.create_user(
        username="coordinator_a2@example.go.th", email="coordinator_a2@example.go.th",
        password=PASSWORD, first_name="Somchai", last_name="Jaidee",
    )
    Profile.objects.create(user=user, role="coordinator", agency=world.agency_a)
    return user


def open_page(browser, login, user, url, *, locale="th-TH"):
    """A fresh browser context signed in as USER through the sign-in form, on URL: the form
    sends the person on to it (an address with a #fragment is opened after signing in)."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    address = urlsplit(url)
    then = address.path + (f"?{address.query}" if address.query else "")
    login(page, user, then=None if address.fragment else then)
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    if address.fragment:
        page.goto(url)
    return context, page


def saved(page, code):
    expect(page.locator(f"#q-{code}-status")).to_have_attribute("data-state", "saved")


def answer(response, code):
    return Answer.objects.filter(response=response, question=code).first()


def test_answering_every_question_type(browser, live_server, world, login):
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, world.user("coordinator_a"), url)
    try:
        follow_up = page.locator("#q-POL-01-2 .q-body").first
        expect(follow_up).to_be_hidden()
        evidence_top = page.locator("#q-POL-01-1 .q-after").bounding_box()["y"]

        page.get_by_label("ใช่", exact=True).first.check()  # yes/no (POL-01-1)
        saved(page, "POL-01-1")
        expect(follow_up).to_be_visible()  # its condition is now met
        # the status line has its room already: nothing below it moved
        assert page.locator("#q-POL-01-1 .q-after").bounding_box()["y"] == evidence_top
        page.locator("#q-POL-02-2 label", has_text="2-3 ครั้ง").click()  # single choice
        page.check("#q-POL-08-1-1")  # multiple choice: website
        page.check("#q-POL-08-1-2")  # open_data
        page.locator("#q-POL-06-1 label", has_text="ระดับ 3").click()  # maturity
        page.fill("#q-POL-04-2-v", "12")  # number
        page.fill("#q-POL-03-1-v", "4.5")  # percentage
        page.fill("#q-POL-03-2-v", "ระบบสารบรรณอิเล็กทรอนิกส์")  # text (debounced)
        page.check("#q-POL-04-1-na")  # not applicable
        page.check("#q-POL-10-2-1")  # privacy notice: opens the URL question
        expect(page.locator("#q-POL-10-3-v")).to_be_visible()
        page.fill("#q-POL-10-3-v", "https://www.drr.go.th/privacy")  # url
        page.fill("#q-POL-06-2-x", "แนบรายงานแล้ว")  # file question: explanation
        for code in ("POL-02-2", "POL-08-1", "POL-06-1", "POL-04-2", "POL-03-1", "POL-03-2",
                     "POL-04-1", "POL-10-2", "POL-10-3", "POL-06-2"):
            saved(page, code)
        expect(page.locator("#qn-global")).to_have_text("บันทึกการแก้ไขทั้งหมดแล้ว")
        # an invalid value: a message next to the question, nothing stored
        page.fill("#q-POL-04-2-v", "-4")
        expect(page.locator("#q-POL-04-2-err")).to_contain_text("0")
        expect(page.locator("#q-POL-04-2-status")).to_have_attribute("data-state", "invalid")
    finally:
        context.close()

    r = world.response_a
    assert answer(r, "POL-01-1").value is True
    assert answer(r, "POL-02-2").value == "two_three"
    assert answer(r, "POL-08-1").value == ["website", "open_data"]
    assert answer(r, "POL-06-1").value == 3
    assert answer(r, "POL-04-2").value == 12  # not the refused -4
    assert answer(r, "POL-03-1").value == 4.5
    assert answer(r, "POL-03-2").value == "ระบบสารบรรณอิเล็กทรอนิกส์"
    assert answer(r, "POL-04-1").not_applicable is True
    assert answer(r, "POL-10-3").value == "https://www.drr.go.th/privacy"
    assert answer(r, "POL-06-2").explanation == "แนบรายงานแล้ว"
    r.refresh_from_db()
    assert r.status == ResponseStatus.IN_PROGRESS


def test_two_coordinators_changing_the_same_answer(browser, live_server, world, login,
                                                   second_coordinator_a):
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context_a, page_a = open_page(browser, login, world.user("coordinator_a"), url)
    context_b, page_b = open_page(browser, login, second_coordinator_a, url)
    try:
        page_a.locator("#q-POL-02-2 label", has_text="1 ครั้ง").click()
        saved(page_a, "POL-02-2")
        # B's page still holds version 0
        page_b.locator("#q-POL-02-2 label", has_text="4 ครั้งขึ้นไป").click()
        conflict = page_b.locator("#q-POL-02-2-conflict")
        expect(conflict).to_contain_text("coordinator_a")  # who saved theirs
        expect(conflict).to_contain_text("1 ครั้ง")  # their answer
        expect(conflict).to_contain_text("4 ครั้งขึ้นไป")  # B's own answer
        expect(page_b.locator("#q-POL-02-2-status")).to_have_attribute("data-state", "conflict")
        assert answer(world.response_a, "POL-02-2").value == "once"  # nothing overwritten
        conflict.locator('button[data-conflict="mine"]').click()
        saved(page_b, "POL-02-2")
        current = answer(world.response_a, "POL-02-2")
        assert (current.value, current.version) == ("four_plus", 2)

        # A, now behind, changes it again and keeps B's answer this time
        page_a.locator("#q-POL-02-2 label", has_text="ไม่มีการประชุม").click()
        conflict = page_a.locator("#q-POL-02-2-conflict")
        expect(conflict).to_contain_text("Somchai Jaidee")
        conflict.locator('button[data-conflict="theirs"]').click()
        expect(page_a.locator("#q-POL-02-2-3")).to_be_checked()  # four_plus shown
        saved(page_a, "POL-02-2")
        expect(page_a.locator('#q-POL-02-2 input[name="base_version"]')).to_have_value("2")
    finally:
        context_a.close()
        context_b.close()
    current = answer(world.response_a, "POL-02-2")
    assert (current.value, current.version) == ("four_plus", 2)
    history = AnswerChange.objects.filter(response=world.response_a, question="POL-02-2")
    assert [(h.new_value["value"], h.by.username) for h in history.order_by("id")] == [
        ("once", "coordinator_a@example.go.th"),
        ("four_plus", "coordinator_a2@example.go.th"),
    ]


def test_an_answer_given_offline_arrives_when_the_network_returns(browser, live_server, world,
                                                                   login):
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, world.user("coordinator_a"), url)
    try:
        context.set_offline(True)
        page.locator("#q-POL-06-1 label", has_text="ระดับ 2").click()
        page.fill("#q-POL-06-1-x", "ติดตามรายไตรมาส")
        status = page.locator("#q-POL-06-1-status")
        expect(status).to_have_attribute("data-state", "offline")
        expect(status).to_contain_text("ยังไม่ได้บันทึก")
        assert answer(world.response_a, "POL-06-1") is None
        # leaving now asks first
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
        page.close(run_before_unload=True)
        for _ in range(100):  # the question comes asynchronously: up to 5 s
            if dialogs:
                break
            page.wait_for_timeout(50)
        page.wait_for_timeout(50)  # (and no second question right after it)
        assert dialogs == ["beforeunload"]
        context.set_offline(False)
        saved(page, "POL-06-1")
    finally:
        context.close()
    stored = answer(world.response_a, "POL-06-1")
    assert (stored.value, stored.explanation) == (2, "ติดตามรายไตรมาส")
    assert AnswerChange.objects.filter(response=world.response_a, question="POL-06-1").exists()


def test_submitting_with_missing_items_then_completing(browser, live_server, world, login):
    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    # leave one answer and one piece of evidence missing
    Answer.objects.filter(response=world.response_a, question="POL-06-1").delete()
    Evidence.objects.filter(response=world.response_a, question="CAP-01-1").delete()
    url = f"{live_server.url}/responses/{world.response_a.pk}/submit/"
    context, page = open_page(browser, login, coordinator, url)
    try:
        page.get_by_role("button", name="ส่งแบบสำรวจ").click()
        expect(page.locator('[role="alert"]')).to_contain_text("ยังไม่ครบ")
        missing = page.locator(".qn-missing a")
        expect(missing).to_have_count(2)
        page.locator(".qn-missing a", has_text="POL-06-1").click()
        page.wait_for_url("**/policy/#q-POL-06-1")
        page.locator("#q-POL-06-1 label", has_text="ระดับ 1").click()
        saved(page, "POL-06-1")
        Evidence.objects.create(response=world.response_a, question="CAP-01-1",
                                url="https://example.go.th/plan.pdf", uploaded_by=coordinator)
        page.goto(url)
        expect(page.locator(".qn-missing a")).to_have_count(0)
        page.get_by_role("checkbox").check()  # the confirmation that answers lock
        page.get_by_role("button", name="ส่งแบบสำรวจ").click()
        expect(page.locator(".qn-done")).to_contain_text("ส่งแล้ว")
        page.goto(f"{live_server.url}/responses/{world.response_a.pk}/policy/")
        expect(page.locator("#q-POL-06-1-2")).to_be_disabled()
    finally:
        context.close()
    world.response_a.refresh_from_db()
    assert world.response_a.status == ResponseStatus.SUBMITTED
    assert world.response_a.submitted_by == coordinator
    assert AnswerChange.objects.filter(kind=ChangeKind.SUBMITTED).count() == 1


def test_answering_with_the_keyboard_only(browser, live_server, world, login):
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/#q-POL-06-1"
    context, page = open_page(browser, login, world.user("respondent_a"), url)
    try:
        page.keyboard.press("Tab")  # from the question's anchor to its first level
        focused = page.evaluate("document.activeElement.id")
        assert focused == "q-POL-06-1-0"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
        assert float(outline.replace("px", "")) >= 2  # visible focus
        page.keyboard.press("ArrowDown")  # level 1
        page.keyboard.press("ArrowDown")  # level 2
        page.keyboard.press("ArrowDown")  # level 3
        page.keyboard.press("Tab")  # to the explanation
        assert page.evaluate("document.activeElement.id") == "q-POL-06-1-x"
        page.keyboard.type("วัดผลด้วยตัวชี้วัด")
        page.keyboard.press("Tab")
        saved(page, "POL-06-1")
        # the number field, by keyboard too
        page.focus("#q-POL-04-2-v")
        page.keyboard.type("7")
        page.keyboard.press("Tab")
        saved(page, "POL-04-2")
    finally:
        context.close()
    stored = answer(world.response_a, "POL-06-1")
    assert (stored.value, stored.explanation) == (3, "วัดผลด้วยตัวชี้วัด")
    assert answer(world.response_a, "POL-04-2").value == 7


@pytest.mark.parametrize("path", ["", "policy/", "submit/", "history/"])
def test_questionnaire_pages_have_no_serious_accessibility_violation(
    browser, live_server, world, login, previous_cycle_answers, path
):
    url = f"{live_server.url}/responses/{world.response_a.pk}/{path}"
    context, page = open_page(browser, login, world.user("respondent_a"), url)
    try:
        if path == "policy/":
            page.get_by_label("ใช่", exact=True).first.check()
            saved(page, "POL-01-1")
            page.fill("#q-POL-04-2-v", "-1")  # an error message on the page too
            expect(page.locator("#q-POL-04-2-err")).not_to_be_empty()
        assert run_axe(page) == []
    finally:
        context.close()


@pytest.fixture
def previous_cycle_answers(world):
    """Last cycle's answers, so the pages show them and the carry-over buttons."""
    from phrom.frameworks.models import Cycle
    from phrom.responses.models import Response

    previous = Response.objects.create(cycle=Cycle.objects.get(pk=world.cycle.previous_id),
                                       agency=world.agency_a, status="submitted")
    Answer.objects.create(response=previous, question="POL-01-1", value=True, version=1)
    Answer.objects.create(response=previous, question="POL-06-1", value=2, version=1)
    return previous


def test_carry_over_in_the_browser(browser, live_server, world, login, previous_cycle_answers):
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, world.user("coordinator_a"), url)
    try:
        block = page.locator("#q-POL-06-1")
        expect(block.locator(".q-previous")).to_contain_text("2563")
        assert block.locator(".badge-reused").count() == 0  # nothing reused until asked
        block.locator(".q-carry button").click()
        expect(page.locator("#q-POL-06-1-2")).to_be_checked()
        expect(page.locator("#q-POL-06-1-status")).to_have_attribute("data-state", "saved")
        badge = page.locator("#q-POL-06-1 .q-meta .badge-reused")
        expect(badge).to_have_text("จาก พ.ศ. 2563")  # shown as reused
        assert run_axe(page) == []
        page.locator("#q-POL-06-1 label", has_text="ระดับ 3").click()  # changed: no longer reused
        saved(page, "POL-06-1")
        expect(badge).to_have_count(0)
    finally:
        context.close()
    stored = answer(world.response_a, "POL-06-1")
    assert (stored.value, stored.version) == (3, 2)
    kinds = AnswerChange.objects.filter(question="POL-06-1").order_by("id")
    assert [c.kind for c in kinds] == [ChangeKind.CARRIED_OVER, ChangeKind.ANSWER]


def sign_out_behind_the_page(context):
    """The session ends (expired, or signed out elsewhere): its cookie is gone."""
    context.clear_cookies(name="sessionid")


def signed_out_shown(page, code):
    expect(page.locator(f"#q-{code}-status")).to_have_attribute("data-state", "signed-out")
    expect(page.locator("#qn-session")).to_contain_text("ออกจากระบบแล้ว")
    expect(page.locator("#qn-session")).to_have_attribute("role", "alert")


def drafts(page):
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('phrom-draft:'))"
    )


def test_an_answer_typed_after_the_session_ended_is_sent_after_signing_in_elsewhere(
    browser, live_server, world, login
):
    coordinator = world.user("coordinator_a")
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, coordinator, url)
    try:
        page.fill("#q-POL-04-2-v", "12")
        saved(page, "POL-04-2")
        sign_out_behind_the_page(context)
        page.fill("#q-POL-04-2-v", "15")
        page.fill("#q-POL-04-2-x", "นับจากทะเบียน")
        signed_out_shown(page, "POL-04-2")
        expect(page.locator("#q-POL-04-2-v")).to_have_value("15")  # kept in the page
        assert drafts(page) == [
            f"phrom-draft:{coordinator.pk}:{world.response_a.pk}:POL-04-2"
        ]  # and in the browser
        assert answer(world.response_a, "POL-04-2").value == 12
        # signing in again in another tab; this page notices when it is shown again
        other = context.new_page()
        login(other, coordinator)
        other.wait_for_url(lambda u: "/accounts/login/" not in u)
        page.bring_to_front()
        # (headless Chromium does not always tell the page it has the focus again: without
        # this the page only tried again at its 15 s check, in about half of the runs)
        page.evaluate("window.dispatchEvent(new Event('focus'))")
        expect(page.locator("#q-POL-04-2-status")).to_have_attribute(
            "data-state", "saved", timeout=25_000
        )
        expect(page.locator("#qn-session")).not_to_contain_text("ออกจากระบบแล้ว")
        assert drafts(page) == []
    finally:
        context.close()
    stored = answer(world.response_a, "POL-04-2")
    assert (stored.value, stored.explanation, stored.version) == (15, "นับจากทะเบียน", 2)


def test_signing_in_again_from_the_page_returns_to_it_and_sends_the_kept_answer(
    browser, live_server, world, login
):
    coordinator = world.user("coordinator_a")
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, coordinator, url)
    try:
        sign_out_behind_the_page(context)
        page.locator("#q-POL-06-1 label", has_text="ระดับ 2").click()
        signed_out_shown(page, "POL-06-1")
        page.locator("#qn-session a").click()  # no "leave the page?" question: it is kept
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", coordinator.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/policy/#q-POL-06-1")
        # put back from the browser
        expect(page.locator("#q-POL-06-1 input[name=value]:checked")).to_have_value("2")
        saved(page, "POL-06-1")
        assert drafts(page) == []
    finally:
        context.close()
    assert answer(world.response_a, "POL-06-1").value == 2


def test_a_kept_answer_that_a_colleague_changed_meanwhile_shows_both(
    browser, live_server, world, login, second_coordinator_a
):
    from phrom.responses.services import answer_save
    from phrom.responses.views import selectors

    coordinator = world.user("coordinator_a")
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, coordinator, url)
    try:
        sign_out_behind_the_page(context)
        page.locator("#q-POL-02-2 label", has_text="4 ครั้งขึ้นไป").click()
        signed_out_shown(page, "POL-02-2")
        question, _dimension = selectors.question_and_dimension(
            world.response_a.cycle.framework.spec(), "POL-02-2"
        )
        answer_save(response=world.response_a, question=question, value="once",
                    not_applicable=False, explanation="", base_version=0, by=second_coordinator_a)
        login(page, coordinator)
        page.wait_for_url(lambda u: "/accounts/login/" not in u)
        page.goto(url)
        conflict = page.locator("#q-POL-02-2-conflict")
        expect(conflict).to_contain_text("Somchai Jaidee")  # theirs
        expect(conflict).to_contain_text("4 ครั้งขึ้นไป")  # the kept one
        conflict.locator('button[data-conflict="mine"]').click()
        saved(page, "POL-02-2")
    finally:
        context.close()
    assert answer(world.response_a, "POL-02-2").value == "four_plus"


def test_a_kept_answer_waits_while_someone_else_is_signed_in_on_the_browser(
    browser, live_server, world, login, second_coordinator_a
):
    coordinator = world.user("coordinator_a")
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, coordinator, url)
    try:
        sign_out_behind_the_page(context)
        page.fill("#q-POL-04-2-v", "21")
        signed_out_shown(page, "POL-04-2")
        other = context.new_page()
        login(other, second_coordinator_a)
        other.wait_for_url(lambda u: "/accounts/login/" not in u)
        page.bring_to_front()
        page.evaluate("window.dispatchEvent(new Event('focus'))")
        expect(page.locator("#qn-session")).to_contain_text("บุคคลอื่น")
        expect(page.locator("#q-POL-04-2-v")).to_have_value("21")
        assert len(drafts(page)) == 1
    finally:
        context.close()
    assert answer(world.response_a, "POL-04-2") is None


def test_evidence_added_after_the_session_ended_says_signed_out(browser, live_server, world,
                                                                 login):
    url = f"{live_server.url}/responses/{world.response_a.pk}/policy/"
    context, page = open_page(browser, login, world.user("coordinator_a"), url)
    try:
        sign_out_behind_the_page(context)
        page.fill("#evidence-POL-01-1-url", "https://www.drr.go.th/plan.pdf")
        page.click("#evidence-POL-01-1-add-url")
        notice = page.locator("#q-POL-01-1 .signed-out[role=alert]")
        expect(notice).to_contain_text("ออกจากระบบแล้ว")  # not the sign-in page in the widget
        expect(notice.locator("a")).to_have_attribute(
            "href", f"/accounts/login/?next=/responses/{world.response_a.pk}/policy/"
        )
        assert page.locator("#q-POL-01-1 input[name=password]").count() == 0
    finally:
        context.close()
    assert not Evidence.objects.filter(response=world.response_a).exists()
