"""Numbers are shown as they were stored (grouped thousands, never rounded, never in
scientific notation), come back in the page's input as plain decimals that save again, and
are refused with a message when a float would not keep them as typed."""

from __future__ import annotations

import csv
import io
import re

import pytest

from phrom.responses.models import Answer
from phrom.responses.selectors import display_value
from tests.conftest import in_english
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "value", "shown"),
    [
        ("POL-04-2", 2500000.5, "2,500,000.5 ฉบับ"),
        ("POL-04-2", 2500001.5, "2,500,001.5 ฉบับ"),
        ("POL-04-2", 1234567.5, "1,234,567.5 ฉบับ"),
        ("POL-04-2", 0.000012345, "0.000012345 ฉบับ"),
        ("POL-04-2", 1e-05, "0.00001 ฉบับ"),
        ("POL-04-2", 1.5e20, "150,000,000,000,000,000,000 ฉบับ"),
        ("POL-04-2", 12.0, "12 ฉบับ"),
        ("POL-04-2", 1234567, "1,234,567 ฉบับ"),
        ("POL-03-1", 99.99999, "99.99999%"),
        ("POL-03-1", 100, "100%"),
    ],
)
def test_a_number_is_shown_as_stored_with_grouped_thousands(spec, code, value, shown):
    assert display_value(spec.question(code), value, False, "th") == shown


def test_the_conflict_dialog_tells_two_close_large_numbers_apart(world, client,
                                                                 second_coordinator_a):
    client.force_login(second_coordinator_a)
    assert post_answer(client, world.response_a, "INF-06-1",
                       {"value": "2500000.5"}).status_code == 200
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, "INF-06-1", {"value": "2500001.5"}, 0)
    assert reply.status_code == 409
    html = reply.json()["html"]
    assert "2,500,000.5 เมกะบิตต่อวินาที" in html and "2,500,001.5 เมกะบิตต่อวินาที" in html
    assert "e+06" not in html
    page = client.post(f"/responses/{world.response_a.pk}/answer/INF-06-1/",
                       {"value": "2500001.5", "base_version": "0"}).content.decode()
    assert "2,500,000.5 เมกะบิตต่อวินาที" in page and "2,500,001.5 เมกะบิตต่อวินาที" in page


def test_the_history_and_its_csv_show_numbers_unrounded(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "INF-06-1", {"value": "1234567.5"}, 0)
    post_answer(client, world.response_a, "INF-06-1", {"value": "0.000012345"}, 1)
    post_answer(client, world.response_a, "POL-03-1", {"value": "99.99999"}, 0)
    page = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert "1,234,567.5 เมกะบิตต่อวินาที" in page
    assert "0.000012345 เมกะบิตต่อวินาที" in page
    assert "99.99999%" in page
    assert not re.search(r"\de[+-]\d", page)
    text = b"".join(
        client.get(f"/responses/{world.response_a.pk}/history.csv").streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["new"] for r in rows] == [
        "1,234,567.5 เมกะบิตต่อวินาที", "0.000012345 เมกะบิตต่อวินาที", "99.99999%"
    ]
    assert rows[1]["old"] == "1,234,567.5 เมกะบิตต่อวินาที"


def test_last_cycles_number_is_shown_unrounded(world, client, previous_a):
    Answer.objects.create(response=previous_a, question="INF-06-1", value=1234567.5, version=1)
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/infrastructure/").content.decode()
    assert "1,234,567.5 เมกะบิตต่อวินาที" in page


def _input_value(client, world, code, section="policy"):
    page = client.get(f"/responses/{world.response_a.pk}/{section}/").content.decode()
    return re.search(rf'id="q-{code}-v" name="value" value="([^"]*)"', page).group(1)


@pytest.mark.parametrize(
    ("typed", "stored", "in_input"),
    [
        ("0.00001", 1e-05, "0.00001"),
        ("0.000012345", 0.000012345, "0.000012345"),
        ("1234567.5", 1234567.5, "1234567.5"),
        ("1e2", 100, "100"),  # what <input type="number"> lets people type
        ("1.5E-3", 0.0015, "0.0015"),
        ("123456789012345", 123456789012345, "123456789012345"),  # 15 digits: kept exactly
    ],
)
def test_a_saved_number_comes_back_as_a_plain_decimal_that_saves_again(world, client, typed,
                                                                       stored, in_input):
    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "INF-06-1", {"value": typed}).status_code == 200
    assert Answer.objects.get(response=world.response_a, question="INF-06-1").value == stored
    shown = _input_value(client, world, "INF-06-1", "infrastructure")
    assert shown == in_input
    # the page sends the input again on the question's next save (a new explanation)
    again = post_answer(client, world.response_a, "INF-06-1",
                        {"value": shown, "explanation": "ดูรายงาน"}, 1)
    assert again.status_code == 200, again.content
    answer = Answer.objects.get(response=world.response_a, question="INF-06-1")
    assert (answer.value, answer.explanation, answer.version) == (stored, "ดูรายงาน", 2)


def test_a_percentage_comes_back_unrounded_in_its_input(world, client):
    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "POL-03-1", {"value": "99.99999"}).status_code == 200
    assert _input_value(client, world, "POL-03-1") == "99.99999"


@pytest.mark.parametrize(
    ("typed", "thai", "english"),
    [
        ("12345678901234567", "เกิน 15 หลัก", "more than 15 significant digits"),
        ("0.1234567890123456", "เกิน 15 หลัก", "more than 15 significant digits"),
        ("1e400", "ใหญ่เกินไป", "too large"),
        ("1e-400", "ใกล้ศูนย์", "too close to zero"),
    ],
)
def test_a_number_a_float_cannot_keep_as_typed_is_refused_with_a_message(world, client, typed,
                                                                         thai, english):
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, "POL-04-2", {"value": typed})
    assert reply.status_code == 400
    assert thai in reply.json()["message"]
    reply = post_answer(in_english(client), world.response_a, "POL-04-2", {"value": typed})
    assert english in reply.json()["message"]
    assert not Answer.objects.filter(response=world.response_a).exists()


def test_the_bounds_of_a_number_input_are_plain_numbers(world, client):
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/capability/").content.decode()
    field = re.search(r'<input type="number" id="q-CAP-07-1-v"[^>]*>', page).group(0)
    assert 'min="0"' in field and 'max="10"' in field


def test_a_limit_in_a_refusal_is_written_as_the_page_writes_numbers(world):  # type: ignore[no-untyped-def]
    import dataclasses

    from phrom.responses.services import AnswerInvalid, stored_value

    question = dataclasses.replace(world.cycle.framework.spec().question("CAP-07-1"),
                                   minimum=0.00001, maximum=1234567.0)
    with pytest.raises(AnswerInvalid, match=r"คือ 1,234,567$"):
        stored_value(question, 2000000)
    with pytest.raises(AnswerInvalid, match=r"คือ 0\.00001$"):
        stored_value(question, 0)
