"""Issue 14, point 5: the public site, no login. A published cycle's table searched,
filtered, sorted in Thai order and paged from the query string (odd values set aside with
a note, never an error), in a fixed number of queries; the index of published cycles; the
methodology from the published framework text; the downloads with their sizes; the data
dictionary; the 404 and 403 pages."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from phrom.frameworks.models import Cycle, CycleStatus, Framework
from tests.conftest import in_english, make_world
from tests.publications.corrections import flip_a_yes_no_answer
from tests.results.public_world import FILLER, NAMED, publish_world

pytestmark = pytest.mark.django_db

URL = "/results/th-2564/"
COUNT = FILLER + len(NAMED) + 2


@pytest.fixture(scope="module")
def _published(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The personas' world with its cycle published (publish_world): made once for the
    module, in a transaction rolled back after it; each test runs in a savepoint of it,
    rolled back after the test, so every test sees the same published state."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        publication = publish_world(world)
        yield world, publication
        transaction.set_rollback(True)


@pytest.fixture
def published(_published: Any, db: None) -> Any:
    return _published


@pytest.fixture
def world(_published: Any, db: None) -> Any:
    """The module's world (its transaction holds it; a second one would clash)."""
    return _published[0]


def body(html: str) -> str:
    """The table's rows (empty when there is no table)."""
    return html[html.index("<tbody>"):html.index("</tbody>")] if "<tbody>" in html else ""


def agencies(html: str) -> list[str]:
    """The agency codes of the table's rows, in order."""
    return re.findall(r'<a href="/results/th-2564/([^/"]+)/">', body(html))


def names(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(r'<a href="/results/th-2564/[^/"]+/">([^<]+)</a>',
                                             body(html))]


def notes(html: str) -> list[str]:
    block = re.search(r'<ul class="results-notes"[^>]*>(.*?)</ul>', html, re.S)
    return [unescape(n) for n in re.findall(r"<li>(.*?)</li>", block[1], re.S)] if block else []


def page(client, query: str = "") -> str:  # type: ignore[no-untyped-def]
    reply = client.get(URL + query)
    assert reply.status_code == 200, reply.status_code
    return reply.content.decode()


def test_anyone_reads_the_first_page_of_fifty_best_rank_first(client, published):
    html = page(client)
    rows = agencies(html)
    assert len(rows) == 50
    ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', html)]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert f"{COUNT} หน่วยงาน" in html
    assert 'aria-current="page"' in html and "?page=2" in html
    second = agencies(page(client, "?page=2"))
    assert len(second) == COUNT - 50 and not set(second) & set(rows)


def test_search_finds_an_agency_by_thai_name_english_name_or_code(client, published):
    assert set(agencies(page(client, "?q=ทางหลวง"))) == {"mot-drr", "mot-doh"}
    assert agencies(page(client, "?q=rural+ROADS")) == ["mot-drr"]  # English, any case
    assert agencies(page(client, "?q=MOT-MD")) == ["mot-md"]
    assert set(agencies(page(client, "?q=กรม+ท่า"))) == {"mot-md", "mot-dav"}  # every word
    empty = page(client, "?q=no-such-agency")
    assert agencies(empty) == [] and "ไม่มีหน่วยงานที่ตรงกับการค้นหา" in empty


def test_filters_by_peer_group_ministry_and_band(client, published):
    from phrom.publications.models import Publication

    rows = {str(r["agency"]): r for r in Publication.objects.get().rows}
    assert set(agencies(page(client, "?group=local"))) == {
        a for a, r in rows.items() if r["group"] == "local"}
    assert set(agencies(page(client, "?ministry=mot"))) == {
        "mot-drr", "mot-doh", "mot-dlt", "mot-md", "mot-dav"}
    high = {a for a, r in rows.items() if r["band"] == "high"}
    assert high and set(agencies(page(client, "?band=high"))) == high
    assert agencies(page(client, "?ministry=mot&group=policy")) == ["mot-dav"]


def test_sorting_by_name_follows_thai_order(client, published):
    html = page(client, "?sort=name")
    expected = ["กรมการขนส่งทางบก", "กรมเจ้าท่า", "กรมทางหลวง", "กรมทางหลวงชนบท",
                "กรมท่าอากาศยาน", "เทศบาลนครเชียงใหม่", "ไปรษณีย์ตัวอย่าง",
                "โรงพยาบาลตัวอย่าง"]
    assert names(html)[:8] == expected
    assert names(html)[8].startswith("หน่วยงานทั่วไป")
    assert 'aria-sort="ascending"' in html
    backwards = names(page(client, "?sort=name&dir=desc&page=2"))
    assert backwards[-8:] == expected[::-1]


def test_sorting_by_total_rank_and_gain(client, published):
    from phrom.publications.models import Publication

    rows = {str(r["agency"]): r for r in Publication.objects.get().rows}
    totals = [rows[a]["total"] for a in agencies(page(client, "?sort=total"))]
    assert totals == sorted(totals, reverse=True)
    lowest = [rows[a]["total"] for a in agencies(page(client, "?sort=total&dir=asc"))]
    assert lowest == sorted(lowest) and lowest[0] == min(r["total"] for r in rows.values())
    worst = agencies(page(client, "?sort=rank&dir=desc"))
    assert rows[worst[0]]["rank"] == max(r["rank"] for r in rows.values())
    # gains of the agencies that answered th-2563 too, largest first, the others last
    with_gain = {a for a, r in rows.items() if r["gain"] is not None}
    assert len(with_gain) == len(NAMED) + 2
    gains = [rows[a]["gain"] for a in agencies(page(client, "?sort=gain"))]
    assert gains[:len(with_gain)] == sorted(gains[:len(with_gain)], reverse=True)
    assert set(gains[len(with_gain):]) == {None}
    smallest = [rows[a]["gain"] for a in agencies(page(client, "?sort=gain&dir=asc"))]
    assert smallest[:len(with_gain)] == sorted(gains[:len(with_gain)])


@pytest.mark.parametrize(("query", "said"), [
    ("?sort=popularity", "จัดเรียงตาม “popularity” ไม่ได้"),
    ("?sort=name&dir=sideways", "“sideways” ไม่ใช่ทิศทางการเรียง"),
    ("?group=nope", "ไม่มีกลุ่ม “nope”"),
    ("?ministry=" + "x" * 500, "ไม่มีกระทรวง “" + "x" * 40 + "…”"),
    ("?band=gold", "ไม่มีระดับ “gold”"),
    ("?page=%C2%B2", "“²” ไม่ใช่เลขหน้า"),
    ("?page=-1", "“-1” ไม่ใช่เลขหน้า"),
    ("?page=0", "“0” ไม่ใช่เลขหน้า"),
    ("?page=" + "9" * 30, "ไม่ใช่เลขหน้า"),
    ("?page=99", "ไม่มีหน้า 99"),
    ("?q=" + "กรม " * 100, "ตัดข้อความค้นหา"),
])
def test_a_value_that_makes_no_sense_is_set_aside_with_a_note(client, published, query, said):
    html = page(client, query)
    assert any(said in n for n in notes(html)), notes(html)
    assert agencies(html)  # the table is still there


def test_notes_are_in_english_for_an_english_reader(client, published):
    in_english(client)
    html = page(client, "?sort=popularity&page=99")
    assert notes(html) == [
        "The table cannot be sorted by “popularity”: it is sorted by rank.",
        "There is no page 99: the last page, 2, is shown.",
    ]
    assert f"{COUNT} agencies: 51 to {COUNT} shown" in html


def test_every_page_of_the_table_takes_the_same_few_queries(client, published):
    client.get(URL)  # the first request of a process reads the publication once
    counts = {}
    for query in ("", "?page=2", "?q=กรม&sort=name", "?group=service&band=high",
                  "?ministry=mot&sort=total&dir=asc", "?sort=nonsense"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL + query).status_code == 200
        counts[query] = len(queries)
    assert set(counts.values()) == {counts[""]}, counts
    assert counts[""] <= 3, counts


def test_the_table_does_not_change_when_an_answer_changes_after_publication(client, published):
    from phrom.responses.models import Answer

    before = body(page(client, "?sort=name"))
    Answer.objects.filter(response__agency__code="mot-md").update(value=None)
    assert body(page(client, "?sort=name")) == before


def test_an_unpublished_cycle_is_not_found_for_anyone_without_a_staff_role(client, world):
    from phrom.publications.models import Publication

    # the module's cycle taken back to review, with no publication (rolled back after)
    Publication.objects.filter(cycle=world.cycle).delete()
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    for path in ("", "methodology/", "downloads/", "data-dictionary/"):
        assert client.get(URL + path).status_code == 404
    client.force_login(world.user("administrator"))
    assert client.get(URL + "methodology/").status_code == 200
    assert client.get(URL + "downloads/").status_code == 404  # no open data yet


def test_the_index_lists_published_cycles_with_their_pages(client, published):
    html = client.get("/results/").content.decode()
    for path in ("", "awards/", "methodology/", "downloads/"):
        assert f'href="{URL}{path}"' in html
    assert "th-2563" not in html  # not published
    assert "ฉบับที่ 1" in html
    home = client.get("/").content.decode()
    assert 'href="/results/"' in home


def test_methodology_shows_the_published_framework_in_the_readers_language(client, published):
    world, _publication = published
    html = client.get(URL + "methodology/").content.decode()
    spec = world.cycle.framework.spec()
    for dimension in spec.dimensions:
        assert dimension.name.th in html
    assert spec.questions[0].text.th in html
    assert "ระดับสูงมาก" in html and "กรมที่ให้บริการประชาชนเป็นหลัก" in html
    assert spec.awards[0].name.th in html
    english = in_english(client).get(URL + "methodology/").content.decode()
    assert spec.dimensions[0].name.en in english and "Very high" in english
    assert "How a total is made" in english


def test_methodology_reads_the_framework_text_stored_at_publication(client, published):
    world, _publication = published
    name = world.cycle.framework.spec().dimensions[0].name.th
    framework = Framework.objects.get(pk=world.cycle.framework_id)
    Framework.objects.filter(pk=framework.pk).update(
        source=framework.source.replace(name, "ชื่อที่แก้ภายหลัง"))
    html = client.get(URL + "methodology/").content.decode()
    assert name in html and "ชื่อที่แก้ภายหลัง" not in html


def test_downloads_list_each_version_with_the_size_of_each_file(client, published):
    from phrom.publications.services import publish_results

    world, _first = published
    flip_a_yes_no_answer(world.response_a)
    publish_results(cycle=world.cycle, by=world.user("administrator"),
                    note="แก้คำตอบของกรมเจ้าท่าตามหลักฐาน อนุมัติโดยผู้อำนวยการ")
    html = client.get(URL + "downloads/").content.decode()
    assert "ฉบับที่ 2" in html and "ฉบับที่ 1" in html
    assert "แก้คำตอบของกรมเจ้าท่าตามหลักฐาน" in html
    for version in (1, 2):
        for name in ("results.csv", "results.json", "answers.csv", "awards.json",
                     "framework.yaml"):
            href = f"/open-data/2564/v{version}/{name}"
            assert f'href="{href}"' in html
            body = client.get(href)
            assert body.status_code == 200
            size = len(body.content)
            row = html[html.index(f'href="{href}"'):]
            shown = re.search(r'<td class="num">([^<]+)</td>', row)[1]
            assert shown.replace("\xa0", " ") == filesizeformat(size), (name, size, shown)
    assert 'href="/open-data/2564/log.json"' in html


def filesizeformat(size: int) -> str:
    from django.template.defaultfilters import filesizeformat as django_size

    return str(django_size(size)).replace("\xa0", " ")


def test_the_data_dictionary_describes_every_column_of_the_files(client, published):
    html = client.get(URL + "data-dictionary/").content.decode()
    header = client.get("/open-data/2564/results.csv").content.decode().splitlines()[0]
    for column in header.split(","):
        assert f"<code>{column}</code></th><td>" in html.replace('<th scope="row">', ""), column
    described = re.findall(r'<th scope="row"><code>([^<]+)</code></th><td>\s*</td>', html)
    assert described == []  # no column left without its meaning
    for field in ("framework_sha256", "claimed_total", "near_misses", "eligible"):
        assert f"<code>{field}</code>" in html
    english = in_english(client).get(URL + "data-dictionary/").content.decode()
    assert "Rank among every agency by total" in english


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_404_page_has_the_navigation_and_the_readers_language(client, db, language):
    if language == "en":
        in_english(client)
    reply = client.get("/results/no-such-cycle/")
    assert reply.status_code == 404
    html = reply.content.decode()
    assert 'href="/results/"' in html and 'class="user-nav"' in html
    assert ("Page not found" if language == "en" else "ไม่พบหน้าที่ต้องการ") in html


def test_the_403_page_has_the_navigation_for_an_anonymous_visitor(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from phrom.core.views import permission_denied

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    request.csp_nonce = "n"
    reply = permission_denied(request, PermissionDenied())
    html = reply.content.decode()
    assert reply.status_code == 403
    assert 'href="/results/"' in html and "/accounts/login/?next=/somewhere/" in html


def test_staff_see_unpublished_cycles_only_through_their_own_pages(client, published):
    world, _publication = published
    Cycle.objects.filter(pk=world.cycle.previous_id).update(status=CycleStatus.OPEN)
    client.force_login(world.user("administrator"))
    html = client.get("/results/").content.decode()
    assert "th-2563" not in html


def test_an_earlier_version_keeps_its_number_in_every_link_of_the_table(client, published):
    from phrom.publications.services import publish_results

    world, _first = published
    flip_a_yes_no_answer(world.response_a)
    publish_results(cycle=world.cycle, by=world.user("administrator"), note="แก้ไขครั้งที่หนึ่ง")
    html = page(client, "?version=1&sort=name")
    assert "ฉบับที่ 1" in html and 'name="version" value="1"' in html
    assert 'href="/results/th-2564/mot-md/?version=1"' in html
    assert "version=1" in re.search(r'<a href="([^"]+)" rel="next">', html)[1]
    latest = page(client)
    assert "ฉบับที่ 2" in latest and "แก้ไขครั้งที่หนึ่ง" in latest
    assert client.get(URL + "?version=3").status_code == 404


def test_the_other_public_pages_take_a_few_queries_however_many_agencies(client, published):
    counts = {}
    for path in ("/results/", URL + "methodology/", URL + "downloads/",
                 URL + "data-dictionary/"):
        client.get(path)  # a publication's figures and file sizes are read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[path] = len(queries)
    assert counts == {"/results/": 1, URL + "methodology/": 2, URL + "downloads/": 3,
                      URL + "data-dictionary/": 2}, counts
