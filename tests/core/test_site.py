import pytest
from django.core.management import call_command

from phrom.core.thai import thai_sort_key

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_home_page_offers_text_sizes_and_language_switch(client):
    page = client.get("/").content.decode()
    for size in ("xs", "xsm", "sm", "md", "lg"):
        assert f'value="{size}"' in page
    assert 'lang="th"' in page


def test_text_size_is_remembered(client):
    client.post("/text-size", {"size": "lg", "next": "/"})
    assert 'class="text-lg"' in client.get("/").content.decode()


def test_text_size_ignores_an_unknown_size_and_foreign_redirects(client):
    response = client.post("/text-size", {"size": "huge", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert 'class="text-md"' in client.get("/").content.decode()


def test_thai_sort_ignores_leading_vowels_first():
    words = ["ไก่", "กา", "เขา", "ขาว"]
    assert sorted(words, key=thai_sort_key) == ["กา", "ไก่", "ขาว", "เขา"]


def test_thai_is_served_even_to_an_english_browser(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="th"' in page


def test_the_language_switch_is_remembered(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/").content.decode()


def test_the_page_frame_is_in_thai_by_default_and_english_on_request(client):
    page = client.get("/").content.decode()
    assert "ขนาดตัวอักษร" in page and "ข้ามไปยังเนื้อหา" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Text size" in page and "Skip to content" in page


def test_no_template_comment_leaks_into_a_page(client):
    html = client.get("/").content.decode()
    assert "{#" not in html and "#}" not in html
    assert "Content-Security-Policy refuses" not in html
