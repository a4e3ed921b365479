"""Evidence upload with the keyboard only, on the real questionnaire page.

The operating system's file dialog cannot be driven, so the file is set on the focused
<input type=file>; everything else (reaching the input, reaching the button, submitting)
is Tab and Enter. Once with JavaScript (htmx swaps the widget) and once without (a plain
form post and a redirect back to the question).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from phrom.responses.models import AnswerChange, ChangeKind, Evidence
from tests.conftest import PASSWORD
from tests.responses.test_evidence import make_pdf

QUESTION = "POL-01-1"
FILE_INPUT = f"evidence-{QUESTION}-file"
UPLOAD_BUTTON = f"evidence-{QUESTION}-upload"
PROJECT_STATIC = Path(__file__).resolve().parents[2] / "phrom" / "static"
AXE = PROJECT_STATIC / "vendor" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def sign_in(page, live_server, user) -> None:
    """Log in through the real form, by keyboard (Enter in the password field)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("main input[name=username]", user.username)
    page.fill("main input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("main input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url


def focused_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def focus_after_swap(page, element_id: str) -> str:
    """The id of the focused element once htmx has settled a swap: it applies the new
    content's ``autofocus`` when it settles, a moment after the content appears. Waits
    for ``element_id`` to take the focus (up to 10 s), then says what has it."""
    try:
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id",
            arg=element_id,
            timeout=10_000,
        )
    except PlaywrightTimeoutError:
        pass
    return focused_id(page)


def tab_to(page, element_id: str, *, limit: int = 400) -> int:
    """Press Tab until the element with this id has the focus; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return presses
    raise AssertionError(f"Tab never reached #{element_id} (last: #{focused_id(page)})")


def upload_with_keyboard(page, name: str, data: bytes, *, from_button: bool = False) -> None:
    if from_button:
        assert focused_id(page) == UPLOAD_BUTTON
        page.keyboard.press("Shift+Tab")
        assert focused_id(page) == FILE_INPUT
    else:
        tab_to(page, FILE_INPUT)
    page.locator(":focus").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    page.keyboard.press("Tab")
    assert focused_id(page) == UPLOAD_BUTTON
    page.keyboard.press("Enter")


def test_coordinator_uploads_evidence_with_the_keyboard_only(
    browser, live_server, world, media
):
    page = browser.new_page()
    try:
        sign_in(page, live_server, world.user("coordinator_a"))
        page.goto(f"{live_server.url}/responses/{world.response_a.pk}/policy/")
        label = page.locator(f"label[for={FILE_INPUT}]")
        assert label.is_visible()
        assert page.locator(f"#{FILE_INPUT}").is_visible()  # native input, not hidden

        upload_with_keyboard(page, "แผนปฏิบัติการ.pdf", make_pdf())

        status = page.locator(f"#evidence-{QUESTION}-status")
        status.filter(has_text="แผนปฏิบัติการ.pdf").wait_for(timeout=10_000)
        assert status.get_attribute("aria-live") == "polite"
        evidence = Evidence.objects.get()
        assert evidence.original_name == "แผนปฏิบัติการ.pdf"
        assert Path(evidence.file.path).read_bytes() == make_pdf()
        assert AnswerChange.objects.filter(kind=ChangeKind.EVIDENCE_ADDED).count() == 1
        widget = page.locator(f"#evidence-{QUESTION}")
        assert widget.get_by_role("link", name="แผนปฏิบัติการ.pdf", exact=True).is_visible()
        # the swap gives the focus back to the button the person pressed
        assert focus_after_swap(page, UPLOAD_BUTTON) == UPLOAD_BUTTON

        # a refused file: the message sits next to the input and is tied to it
        upload_with_keyboard(
            page, "notes.pdf", b"<!DOCTYPE html><p>not a pdf</p>", from_button=True
        )
        error = page.locator(f"#evidence-{QUESTION}-file-error")
        error.wait_for(timeout=10_000)
        assert "not a file type" in error.inner_text() or "notes.pdf" in error.inner_text()
        described = page.locator(f"#{FILE_INPUT}").get_attribute("aria-describedby") or ""
        assert f"evidence-{QUESTION}-file-error" in described.split()
        assert Evidence.objects.count() == 1
        # the focus moves to the input the message is about
        assert focus_after_swap(page, FILE_INPUT) == FILE_INPUT
        page.locator(f"#evidence-{QUESTION}").screenshot(path=str(media.parent / "widget.png"))

        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")  # (no inline script: CSP)
        result = page.evaluate(
            "async (sel) => (await axe.run(sel, {resultTypes: ['violations']})).violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
            f"#evidence-{QUESTION}",
        )
        assert result == []
    finally:
        page.close()


def test_upload_with_the_keyboard_works_without_javascript(
    browser, live_server, world, media
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, world.user("coordinator_a"))
        page.goto(f"{live_server.url}/responses/{world.response_a.pk}/policy/")
        with page.expect_navigation():
            upload_with_keyboard(page, "plan.pdf", make_pdf())
        assert page.url.endswith(f"/responses/{world.response_a.pk}/policy/#q-{QUESTION}")
        assert "อัปโหลด “plan.pdf” แล้ว" in page.content()  # Thai, the default
        assert Evidence.objects.get().original_name == "plan.pdf"
    finally:
        context.close()
