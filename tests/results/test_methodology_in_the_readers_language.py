"""The methodology page names a condition's options by their labels, and the framework's
metadata by what each entry is, in the reader's language (never the option codes or the
framework file's keys)."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import in_english, submit_yes_no_answers

pytestmark = pytest.mark.django_db

PAGE = "/results/th-2564/methodology/"


def plain(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


@pytest.fixture
def reader(client, world):  # type: ignore[no-untyped-def]
    submit_yes_no_answers(world)
    client.force_login(world.user("administrator"))  # staff read a cycle before publication
    return client


def test_a_condition_names_the_options_that_ask_the_question(reader, world) -> None:  # type: ignore[no-untyped-def]
    spec = world.cycle.framework.spec()
    centre, group = (spec.question("CAP-05-1").option(c).label for c in ("centre", "group"))
    thai = plain(reader.get(PAGE).content.decode())
    assert (f"ถามเฉพาะเมื่อคำตอบของ CAP-05-1 มีข้อใดข้อหนึ่งใน “{centre.th}”, “{group.th}” "
            "มิฉะนั้นไม่นำมาคิดคะแนน") in thai
    english = plain(in_english(reader).get(PAGE).content.decode())
    assert (f"Asked only when the answer to CAP-05-1 includes one of “{centre.en}”, "
            f"“{group.en}”; otherwise it is left out of the score.") in english
    for code in ("centre, group", "ad_hoc", "twice_yearly"):
        assert code not in thai and code not in english


def test_the_frameworks_metadata_is_labelled_in_the_readers_language(reader, world) -> None:  # type: ignore[no-untyped-def]
    meta = world.cycle.framework.spec().meta
    assert {"source", "licence", "status"} <= set(meta)
    page = reader.get(PAGE).content.decode()
    assert re.findall(r"<dt>([^<]*)</dt>", page.split('class="m-meta"', 1)[1]) == [
        {"source": "ที่มา", "licence": "สัญญาอนุญาต", "status": "สถานะ"}[k] for k in meta]
    assert f"<dd>{meta['licence']}</dd>" in page  # the framework's own value, as it is
    english = in_english(reader).get(PAGE).content.decode()
    assert "<dt>Source</dt>" in english and "<dt>Licence</dt>" in english
