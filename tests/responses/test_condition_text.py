"""The sentence under a conditional question names the answer it waits for by its label,
in the reader's language (never the option's code, never spelled letter by letter)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from phrom.responses.selectors import condition_text
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def _condition(client, world, dimension, code):
    page = client.get(f"/responses/{world.response_a.pk}/{dimension}/").content.decode()
    start = page.index(f'id="q-{code}"')
    return re.search(r'<p class="q-condition">(.*?)</p>', page[start:], re.S).group(1)


def test_a_multiple_choice_condition_names_the_option_by_its_label(world, client, spec):
    client.force_login(world.user("coordinator_a"))
    label = spec.question("POL-10-2").option("privacy_notice").label
    thai = _condition(client, world, "policy", "POL-10-3")
    assert f"ถามเฉพาะเมื่อคำตอบข้อ POL-10-2 คือ “{escape(label.th)}”" in thai
    assert "p; r; i" not in thai and "privacy_notice" not in thai
    english = _condition(in_english(client), world, "policy", "POL-10-3")
    assert f"Asked only when the answer to POL-10-2 is “{escape(label.en)}”." in english
    assert "p; r; i" not in english


def test_a_single_choice_condition_names_each_option_by_its_label(world, client, spec):
    gate = spec.question("CAP-05-1")
    client.force_login(world.user("coordinator_a"))
    thai = _condition(client, world, "capability", "CAP-05-2")
    wanted = " / ".join(escape(gate.option(c).label.th) for c in ("centre", "group"))
    assert f"“{wanted}”" in thai
    english = _condition(in_english(client), world, "capability", "CAP-05-2")
    wanted = " / ".join(escape(gate.option(c).label.en) for c in ("centre", "group"))
    assert f"“{wanted}”" in english


def test_yes_no_and_at_least_conditions_read_as_words_and_numbers(spec):
    with translation.override("en"):
        assert condition_text(spec, spec.question("POL-01-2").condition, "en") == (
            "Asked only when the answer to POL-01-1 is “Yes”."
        )
        assert condition_text(spec, spec.question("SRV-01-2").condition, "en") == (
            "Asked only when the answer to SRV-01-1 is “at least 1”."
        )


def test_a_single_choice_condition_with_equals_names_the_option(spec):
    from scoring.model import Condition

    condition = Condition(question="CAP-05-1", equals="centre")
    label = spec.question("CAP-05-1").option("centre").label
    with translation.override("th"):
        assert f"“{label.th}”" in condition_text(spec, condition, "th")
    with translation.override("en"):
        assert f"“{label.en}”" in condition_text(spec, condition, "en")
