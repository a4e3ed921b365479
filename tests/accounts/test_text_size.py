import pytest

from phrom.accounts.models import Profile

pytestmark = pytest.mark.django_db


def test_text_size_is_stored_on_the_profile_of_a_logged_in_person(client, world):
    client.force_login(world.user("coordinator_a"))
    client.post("/text-size", {"size": "lg", "next": "/"})
    assert Profile.objects.get(user=world.user("coordinator_a")).text_size == "lg"


def test_the_stored_size_follows_the_person_to_another_browser(client, world, django_user_model):
    from django.test import Client

    client.force_login(world.user("coordinator_a"))
    client.post("/text-size", {"size": "xs", "next": "/"})
    other_browser = Client()
    other_browser.force_login(world.user("coordinator_a"))
    assert 'class="text-xs"' in other_browser.get("/").content.decode()


def test_the_profile_size_wins_over_the_cookie(client, world):
    Profile.objects.filter(user=world.user("reviewer")).update(text_size="lg")
    client.cookies["phrom_text_size"] = "sm"
    client.force_login(world.user("reviewer"))
    assert 'class="text-lg"' in client.get("/").content.decode()


def test_visitors_keep_the_size_in_a_cookie_only(client, world):
    client.post("/text-size", {"size": "sm", "next": "/"})
    assert 'class="text-sm"' in client.get("/").content.decode()
    assert set(Profile.objects.values_list("text_size", flat=True)) == {"md"}


def test_a_person_without_a_profile_keeps_the_cookie_size(client, world):
    client.force_login(world.user("outsider"))
    client.post("/text-size", {"size": "xsm", "next": "/"})
    assert 'class="text-xsm"' in client.get("/").content.decode()


def test_an_unknown_size_changes_nothing(client, world):
    client.force_login(world.user("coordinator_a"))
    client.post("/text-size", {"size": "huge", "next": "/"})
    assert Profile.objects.get(user=world.user("coordinator_a")).text_size == "md"


def test_the_size_buttons_are_plain_form_buttons(client, world):
    # Works without JavaScript and from the keyboard: a form post with <button>s.
    page = client.get("/").content.decode()
    assert '<form method="post" action="/text-size"' in page
    assert page.count('type="submit" name="size"') == 5


SIZE_NAMES = {
    "th": {"xs": "ตัวอักษรเล็กที่สุด", "xsm": "ตัวอักษรเล็กมาก", "sm": "ตัวอักษรเล็ก",
           "md": "ตัวอักษรขนาดปกติ", "lg": "ตัวอักษรใหญ่ที่สุด"},
    "en": {"xs": "Smallest text", "xsm": "Very small text", "sm": "Small text",
           "md": "Normal text", "lg": "Largest text"},
}


def _size_buttons(page):
    """{value: text inside the button, tags removed} of the text-size control."""
    import re

    form = page.split('class="text-size"', 1)[1].split("</form>", 1)[0]
    return {
        value: " ".join(re.sub(r"<[^>]+>", " ", inside).split())
        for value, inside in re.findall(
            r'<button type="submit" name="size" value="(\w+)"[^>]*>(.*?)</button>', form, re.S
        )
    }


@pytest.mark.parametrize("language", ["th", "en"])
def test_each_size_button_is_named_in_the_reader_language(client, world, language):
    from tests.conftest import in_english

    if language == "en":
        in_english(client)
    page = client.get("/").content.decode()
    buttons = _size_buttons(page)
    # The name a screen reader says first, then the compact step that the button shows.
    assert buttons == {size: f"{name} {size}" for size, name in SIZE_NAMES[language].items()}
    assert page.count('<span class="visually-hidden">' + SIZE_NAMES[language]["lg"]) == 1


def test_the_admin_size_buttons_are_named_in_thai(client, world):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(
        "root@example.go.th", "root@example.go.th", "x-Very-long-pass-2570"
    )
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert _size_buttons(page) == {size: f"{name} {size}" for size, name in SIZE_NAMES["th"].items()}


def test_the_admin_pages_carry_the_chosen_size_and_the_control(client, world):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(
        "root@example.go.th", "root@example.go.th", "x-Very-long-pass-2570"
    )
    client.force_login(admin)
    client.cookies["phrom_text_size"] = "lg"
    page = client.get(f"/admin/auth/user/{admin.pk}/change/").content.decode()
    assert "text-lg" in page.split("<body", 1)[1].split(">", 1)[0]  # on <body>
    assert "phrom/sizes.css" in page
    assert page.count('type="submit" name="size"') == 5


# --- in a browser: every control follows the size ------------------------------------------


def _font_px(page, selector, pseudo=None):
    return page.evaluate(
        "([s, p]) => parseFloat(getComputedStyle(document.querySelector(s), p).fontSize)",
        [selector, pseudo],
    )


def _choose_size(page, size):
    page.locator(f'form.text-size button[value="{size}"]').first.click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_at_the_largest_size_every_control_is_larger(browser, live_server, world, login):
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        login(page, world.user("coordinator_a"), then=f"/responses/{world.response_a.pk}/policy/")
        page.wait_for_url(lambda u: "/accounts/login/" not in u)
        controls = {
            "file button": ("input[type=file]", "::file-selector-button"),
            "number input": ("#q-POL-04-2-v", None),
            "textarea": ("#q-POL-04-2-x", None),
            "button": (".q-evidence button", None),
            "body": ("body", None),
        }
        _choose_size(page, "md")
        md = {name: _font_px(page, s, p) for name, (s, p) in controls.items()}
        assert md["number input"] == md["body"]  # not the browser's own 13.33px
        _choose_size(page, "lg")
        lg = {name: _font_px(page, s, p) for name, (s, p) in controls.items()}
        for name in controls:
            assert lg[name] >= 1.5 * md[name], (name, md[name], lg[name])
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admins_fields_follow_the_size(browser, live_server, world):
    from django.contrib.auth import get_user_model

    password = "x-Very-long-pass-2570"
    admin = get_user_model().objects.create_superuser(
        "root@example.go.th", "root@example.go.th", password
    )
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", admin.username)
        page.fill("input[name=password]", password)
        page.click("input[type=submit], button[type=submit]")
        page.goto(f"{live_server.url}/admin/auth/user/{admin.pk}/change/")
        _choose_size(page, "md")
        md = _font_px(page, "input[name=first_name]")
        _choose_size(page, "lg")
        page.wait_for_url(f"**/admin/auth/user/{admin.pk}/change/")
        lg = _font_px(page, "input[name=first_name]")
        assert lg >= 1.5 * md, (md, lg)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_screen_reader_hears_each_size_button_by_its_thai_name(browser, live_server, world):
    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        control = page.get_by_role("group", name="ขนาดตัวอักษร")
        for size, name in SIZE_NAMES["th"].items():
            # The step stays visible and ends the name (speech input says what it sees).
            button = control.get_by_role("button", name=f"{name} {size}", exact=True)
            assert button.get_attribute("value") == size
            assert button.locator(".visually-hidden").bounding_box()["width"] <= 1
            assert button.locator('[lang="en"]').bounding_box()["width"] > 5
        pressed = control.get_by_role("button", pressed=True)
        assert pressed.get_attribute("value") == "md"
    finally:
        context.close()
