"""A gain award of a cycle whose previous cycle nothing names: the engine leaves the name
empty, and the pages say "the previous cycle" in the reader's language, also for
publications stored when the engine still wrote that English name into the figures."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.publications.models import Publication
from phrom.publications.services import publish_results
from scoring.model import AwardRule, Bilingual
from scoring.result import score_cycle
from tests.awards.test_what_if import SAME
from tests.awards.world import answer_cycle
from tests.conftest import in_english
from tests.scoring.test_engine_support import totals_framework, with_totals

AWARDS = "/results/th-2563/awards/"


def text(page: str) -> str:
    main = page[page.find("<main"):]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_the_engine_names_no_previous_cycle_and_its_english_text_still_reads_well() -> None:
    rule = AwardRule("gain", Bilingual(th="พัฒนาการ", en="Development"), "top_gain", 4, floor=80)
    framework = dataclasses.replace(totals_framework(awards=[rule]), previous=None)
    result = score_cycle(framework, with_totals([90.0, 80.0]))
    assert result.published.previous_label == ""
    (award,) = result.awards
    # what `phrom awards` and AWARDS.json print
    assert award.rule.startswith("the 4 largest gains in total over the previous cycle among")
    assert "over  " not in award.rule


@pytest.fixture
def first_cycle(world) -> Cycle:  # type: ignore[no-untyped-def]
    """The personas' th-2563, answered and published: it has no cycle before it."""
    answer_cycle(world)
    first = Cycle.objects.get(pk=world.cycle.previous_id)
    assert first.previous_id is None and first.framework.spec().previous is None
    Cycle.objects.filter(pk=first.pk).update(status=CycleStatus.PUBLISHED)
    first.refresh_from_db()
    publish_results(cycle=first, by=world.user("administrator"))
    return first


def gain_award(page: str) -> str:
    """The section of an award page from the gain award's rule to the next rule, as
    plain text (the gain award is the one with the floor of 80)."""
    plain = text(page)
    starts = [m.start() for m in re.finditer(r"เกณฑ์:|Rule:", plain)]
    sections = [plain[s:e] for s, e in zip(starts, [*starts[1:], len(plain)], strict=True)]
    (found,) = [s for s in sections if "80.00" in s]
    return found


def assert_said_in_the_readers_language(client: Any) -> None:
    thai = gain_award(client.get(AWARDS).content.decode())
    assert "คะแนนรวมเพิ่มขึ้นจากรอบก่อนมากที่สุด 4 อันดับ เฉพาะหน่วยงานที่มีคะแนนรวมไม่ต่ำกว่า 80.00" in thai
    assert "คะแนนรวมรอบก่อน" in thai  # the heading of the previous totals
    assert "previous" not in thai and "เทียบกับ" not in thai
    english = gain_award(in_english(client).get(AWARDS).content.decode())
    assert "the 4 largest gains in total over the previous cycle among agencies" in english
    assert "Previous total" in english


@pytest.mark.django_db
def test_a_first_cycles_gain_award_speaks_of_the_previous_cycle_in_thai(client, first_cycle) -> None:  # type: ignore[no-untyped-def]
    pages = Publication.objects.get(cycle=first_cycle).pages
    assert pages["previous_label"] == ""
    assert_said_in_the_readers_language(client)


@pytest.mark.django_db
def test_a_publication_stored_with_the_former_english_name_reads_the_same(client, first_cycle) -> None:  # type: ignore[no-untyped-def]
    publication = Publication.objects.get(cycle=first_cycle)
    pages = dict(publication.pages)
    pages["previous_label"] = "the previous cycle"
    for award in pages["awards"]:
        award["previous_label"] = "the previous cycle"
    Publication.objects.filter(pk=publication.pk).update(pages=pages)
    assert_said_in_the_readers_language(client)


@pytest.mark.django_db
def test_the_what_if_preview_names_no_previous_cycle_in_english_either(client, world, first_cycle) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    page = text(client.get(AWARDS + "what-if/", {**SAME, "outstanding_development-top": "3"}
                           ).content.decode())
    assert "คะแนนรวมเพิ่มขึ้นจากรอบก่อนมากที่สุด 4 อันดับ" in page  # the current rule
    assert "คะแนนรวมเพิ่มขึ้นจากรอบก่อนมากที่สุด 3 อันดับ" in page  # the previewed one
    assert "previous" not in page
