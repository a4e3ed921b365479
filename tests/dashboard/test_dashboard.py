"""The national dashboard (issue 14 point 4): who sees it, what it counts, its filters."""

from __future__ import annotations

import re

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import Answer, Response
from phrom.reviews.models import Review, ReviewStatus
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


@pytest.fixture(autouse=True)
def _fresh_snapshots():  # type: ignore[no-untyped-def]
    """Stored snapshots are remembered per publication id for the life of the process; the
    test database rolls back between tests and gives ids out again."""
    from phrom.publications import selectors

    selectors._snapshots.clear()
    yield
    selectors._snapshots.clear()


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    """Both responses submitted, every yes/no question answered (A yes, B mostly no)."""
    spec = world.cycle.framework.spec()
    for response in (world.response_a, world.response_b):
        for k, question in enumerate(spec.questions):
            if question.type == "yes_no":
                Answer.objects.create(response=response, question=question.code,
                                      value=response == world.response_a or k % 4 == 0,
                                      version=1)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status="submitted")
    return world


def cells(page: str, table_id: str) -> list[list[str]]:
    """The rows of the table inside the element of id TABLE_ID, as cell texts."""
    part = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = part.split("<tbody>", 1)[1]
    return [[re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_an_anonymous_visitor_is_sent_to_log_in(client) -> None:  # type: ignore[no-untyped-def]
    reply = client.get(URL)
    assert reply.status_code == 302 and "/accounts/login/" in reply["Location"]


@pytest.mark.parametrize("persona", ["coordinator_a", "respondent_a", "reviewer",
                                     "lead_reviewer", "outsider"])
def test_agency_people_reviewers_and_people_without_a_role_are_refused(
    client, world, persona  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(world.user(persona))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["administrator", "executive"])
def test_administrators_and_executives_see_the_dashboard(client, submitted, persona) -> None:  # type: ignore[no-untyped-def]
    client.force_login(submitted.user(persona))
    reply = client.get(URL)
    assert reply.status_code == 200
    page = reply.content.decode()
    assert "chart.umd.min.js" in page and "dashboard/dashboard.js" in page
    for key in ("responses", "reviews", "histogram", "bands"):
        assert f'id="chart-{key}"' in page


def test_the_response_progress_counts_each_status(client, submitted) -> None:  # type: ignore[no-untyped-def]
    Response.objects.filter(pk=submitted.response_b.pk).update(status="in_progress")
    client.force_login(submitted.user("administrator"))
    page = in_english(client).get(URL).content.decode()
    assert cells(page, "chart-responses") == [
        ["Not started", "0"], ["In progress", "1"], ["Submitted", "1"]]


def test_the_review_progress_counts_submitted_responses_by_review_status(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    Review.objects.create(response=submitted.response_a, status=ReviewStatus.COMPLETE)
    client.force_login(submitted.user("executive"))
    rows = dict(cells(in_english(client).get(URL).content.decode(), "chart-reviews"))
    assert rows["Not started"] == "1" and rows["Complete"] == "1" and rows["Signed off"] == "0"


def test_the_histogram_and_bands_count_every_agency_with_a_total(client, submitted) -> None:  # type: ignore[no-untyped-def]
    from phrom.dashboard.selectors import dashboard, ministries

    client.force_login(submitted.user("administrator"))
    page = client.get(URL).content.decode()
    histogram = cells(page, "chart-histogram")
    assert len(histogram) == 10 and sum(int(n) for _, n in histogram) == 2
    assert sum(int(n) for _, n in cells(page, "chart-bands")) == 2
    d = dashboard(cycle=submitted.cycle, group="", ministry=None,
                  all_ministries=ministries(), language="th")
    assert d.agencies == 2 and d.national is not None and d.national.count == 2


def test_the_heatmap_shades_each_cell_between_the_lowest_and_highest_of_its_table() -> None:
    from phrom.dashboard.selectors import heat_class

    assert heat_class(60.0, 60.0, 80.0) == "heat-0"
    assert heat_class(69.99, 60.0, 80.0) == "heat-4"
    assert heat_class(80.0, 60.0, 80.0) == "heat-9"
    assert heat_class(None, 60.0, 80.0) == "heat-none"
    assert heat_class(70.0, 70.0, 70.0) == "heat-5"  # one value: the middle shade


def test_the_heatmaps_average_each_dimension_by_group_and_by_ministry(client, submitted) -> None:  # type: ignore[no-untyped-def]
    from phrom.results.selectors import scored_cycle

    client.force_login(submitted.user("administrator"))
    page = client.get(URL).content.decode()
    scored = scored_cycle(cycle=submitted.cycle)
    dims = scored.result.published.dimensions
    average = round(float(dims[:, 0].mean()), scored.result.published.precision)
    assert "กระทรวงคมนาคม" in page  # the ministry's row
    assert f"{average:.2f}" in page
    assert re.search(r'class="num heat-\d"', page)
    assert ' style="' not in page.split("<body", 1)[1]  # the CSP refuses style attributes
    assert "<script>" not in page


def test_filters_narrow_every_figure_to_the_group_and_the_ministry(client, submitted) -> None:  # type: ignore[no-untyped-def]
    from phrom.agencies.models import Agency

    other = Agency.objects.create(code="moi", name_th="กระทรวงมหาดไทย", kind="ministry")
    Agency.objects.filter(pk=submitted.agency_b.pk).update(ministry=other, group="policy")
    client.force_login(submitted.user("administrator"))
    everyone = client.get(URL).content.decode()
    assert sum(int(n) for _, n in cells(everyone, "chart-histogram")) == 2
    by_ministry = client.get(URL, {"ministry": "moi"}).content.decode()
    assert sum(int(n) for _, n in cells(by_ministry, "chart-histogram")) == 1
    assert [r[-1] for r in cells(by_ministry, "chart-responses")] == ["0", "0", "1"]
    by_group = client.get(URL, {"group": "service"}).content.decode()
    assert sum(int(n) for _, n in cells(by_group, "chart-histogram")) == 1
    neither = client.get(URL, {"group": "service", "ministry": "moi"}).content.decode()
    assert [r[-1] for r in cells(neither, "chart-responses")] == ["0", "0", "0"]


@pytest.mark.parametrize("query", [
    {"cycle": "th-2599"}, {"group": "no-such-group"}, {"ministry": "mot-drr"},
    {"ministry": "๑๒"}, {"cycle": "x" * 10_000}, {"group": "a\x00b"},
])
def test_unknown_filter_values_are_refused_with_a_400(client, submitted, query) -> None:  # type: ignore[no-untyped-def]
    client.force_login(submitted.user("administrator"))
    reply = client.get(URL, query)
    assert reply.status_code == 400
    assert "chart-histogram" not in reply.content.decode()


def test_a_cycle_is_chosen_by_its_code_and_the_default_is_the_newest_published(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(submitted.user("administrator"))
    assert "th-2564" in client.get(URL, {"cycle": "th-2564"}).content.decode()
    Cycle.objects.filter(code="th-2563").update(status=CycleStatus.PUBLISHED)
    page = client.get(URL).content.decode()
    assert 'value="th-2563" selected' in page
    assert "No submitted response has been scored" in in_english(client).get(URL).content.decode()


@pytest.mark.parametrize("year", ["2563", "๒๕๖๓"])
def test_a_cycle_is_chosen_by_its_year_when_that_year_has_one_cycle(
    client, submitted, year  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(submitted.user("administrator"))
    reply = client.get(URL, {"cycle": year})
    assert reply.status_code == 200
    assert 'value="th-2563" selected' in reply.content.decode()


def test_an_unknown_cycle_names_the_codes_and_years_accepted_in_both_languages(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(submitted.user("administrator"))
    thai = client.get(URL, {"cycle": "2599"})
    assert thai.status_code == 400
    assert ("ไม่พบรอบการประเมิน “2599” ระบุรหัสรอบ (th-2564, th-2563) "
            "หรือปี พ.ศ. ของรอบ (2564, 2563)") in thai.content.decode()
    english = in_english(client).get(URL, {"cycle": "th-2599"})
    assert english.status_code == 400
    assert ("No cycle “th-2599”. Give a cycle code (th-2564, th-2563) or the Buddhist Era "
            "year of one (2564, 2563).") in english.content.decode()


def test_a_year_of_two_cycles_is_refused_saying_to_choose_by_code(client, submitted) -> None:  # type: ignore[no-untyped-def]
    Cycle.objects.create(code="pilot-2563", year_be=2563, framework=submitted.cycle.framework)
    client.force_login(submitted.user("administrator"))
    reply = in_english(client).get(URL, {"cycle": "2563"})
    assert reply.status_code == 400
    assert ("2563 is the year of more than one cycle (pilot-2563, th-2563); choose one by "
            "its code.") in reply.content.decode()
    assert in_english(client).get(URL, {"cycle": "pilot-2563"}).status_code == 200


def test_the_change_over_the_previous_cycle_compares_the_same_agencies(client, submitted) -> None:  # type: ignore[no-untyped-def]
    from phrom.publications.services import publish_results

    previous = Cycle.objects.get(code="th-2563")
    Cycle.objects.filter(pk=submitted.cycle.pk).update(previous=previous)
    spec = previous.framework.spec()
    response = Response.objects.create(cycle=previous, agency=submitted.agency_a,
                                       status="submitted")
    Answer.objects.bulk_create(
        Answer(response=response, question=q.code, value=False, version=1)
        for q in spec.questions if q.type == "yes_no")
    submitted.cycle.refresh_from_db()
    publish_results(cycle=submitted.cycle)
    client.force_login(submitted.user("administrator"))
    page = in_english(client).get(URL, {"cycle": "th-2564"}).content.decode()
    assert 'id="chart-change"' in page
    assert "1 agency has a total in both this cycle and th-2563" in page
    assert "1 improved, 0 declined, 0 unchanged." in page
    assert sum(int(n) for _, n in cells(page, "chart-gains")) == 1


def test_the_dashboard_reads_a_fixed_number_of_queries(
    client, submitted, django_assert_num_queries  # type: ignore[no-untyped-def]
) -> None:
    from phrom.publications.services import publish_results

    publish_results(cycle=submitted.cycle)
    Cycle.objects.filter(pk=submitted.cycle.pk).update(status=CycleStatus.PUBLISHED)
    client.force_login(submitted.user("executive"))
    client.get(URL)  # the stored snapshot read once per process
    # session, user with profile; ministries, cycles; the publication; responses, reviews
    with django_assert_num_queries(7):
        assert client.get(URL, {"group": "service"}).status_code == 200


def test_the_gains_are_counted_in_steps_of_a_twentieth_of_the_scale() -> None:
    from phrom.dashboard.selectors import _gains

    chart = _gains([-12.0, -10.0, -7.5, -5.0, -0.01, 0.0, 0.01, 5.0, 9.99, 10.0, 30.0], 5.0)
    assert [int(r.values[0] or 0) for r in chart.rows] == [2, 2, 1, 1, 1, 2, 2]
    assert chart.rows[0].label == "ลดลงตั้งแต่ 10 คะแนน"  # "declined by 10 or more"
    assert chart.rows[3].label == "เท่าเดิม"  # "unchanged"
