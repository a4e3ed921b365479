"""The national dashboard in a browser (issue 14 point 4): the charts are drawn from their
tables under the Content-Security-Policy, the filters narrow them, and axe-core finds no
serious accessibility problem."""

from __future__ import annotations

import os

import pytest

from phrom.agencies.models import Agency
from phrom.responses.models import Answer, Response
from tests.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 15_000


@pytest.fixture
def scored(world):  # type: ignore[no-untyped-def]
    """Both agencies submitted, of two ministries; A answered yes, B mostly no."""
    spec = world.cycle.framework.spec()
    for response in (world.response_a, world.response_b):
        for k, question in enumerate(spec.questions):
            if question.type == "yes_no":
                Answer.objects.create(response=response, question=question.code,
                                      value=response == world.response_a or k % 3 == 0,
                                      version=1)
    Response.objects.update(status="submitted")
    moi = Agency.objects.create(code="moi", name_th="กระทรวงมหาดไทย",
                                name_en="Ministry of Interior", kind="ministry")
    Agency.objects.filter(pk=world.agency_b.pk).update(ministry=moi)
    return world


def drawn(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The keys of the charts drawn, once every chart on the page is."""
    page.wait_for_function(
        "document.querySelectorAll('figure[data-chart]').length > 0 && "
        "[...document.querySelectorAll('figure[data-chart]')]"
        ".every(f => f.dataset.drawn === 'true')", timeout=TIMEOUT)
    return page.eval_on_selector_all(
        "figure[data-chart]",
        "figures => figures.filter(f => { const c = f.querySelector('canvas');"
        " const chart = window.Chart.getChart(c);"
        " return chart && c.width > 0 && c.height > 0 &&"
        " chart.data.datasets[0].data.length === f.querySelectorAll('tbody tr').length; })"
        ".map(f => f.dataset.chart)")


def test_an_executive_sees_the_charts_and_their_tables_and_filters_them(
    browser, live_server, scored, login  # type: ignore[no-untyped-def]
) -> None:
    context = browser.new_context(locale="th-TH", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    try:
        login(page, scored.user("executive"))
        page.wait_for_url(f"{live_server.url}/")
        page.get_by_role("link", name="แดชบอร์ดระดับประเทศ").click()
        page.wait_for_url(f"{live_server.url}/dashboard/")
        assert set(drawn(page)) == {"responses", "reviews", "histogram", "bands"}
        # the charts are drawn in Sarabun, once the font is loaded
        assert page.evaluate("window.Chart.defaults.font.family").startswith("Sarabun")
        assert page.evaluate("document.fonts.check('14px Sarabun', 'กขค')")
        # every chart is also a table, and the heatmaps are tables
        assert page.locator("figure[data-chart] table").count() == 4
        assert page.locator("table.heatmap").count() == 2
        assert page.locator("table.heatmap td.heat-0, table.heatmap td[class*='heat-']").count() > 0
        histogram = page.locator("#chart-histogram tbody td")
        assert sum(int(histogram.nth(i).inner_text()) for i in range(histogram.count())) == 2
        shot = os.environ.get("PHROM_DASHBOARD_SCREENSHOT")
        if shot:
            page.locator("main").screenshot(path=shot)
        assert run_axe(page) == []

        page.select_option("#id_ministry", "moi")
        page.get_by_role("button", name="แสดง", exact=True).click()
        page.wait_for_url("**/dashboard/?*ministry=moi*")
        drawn(page)
        histogram = page.locator("#chart-histogram tbody td")
        assert sum(int(histogram.nth(i).inner_text()) for i in range(histogram.count())) == 1
        assert "กระทรวงมหาดไทย" in page.locator("table.heatmap").nth(1).inner_text()
        assert "กระทรวงคมนาคม" not in page.locator("table.heatmap").nth(1).inner_text()
        assert refused == []
    finally:
        context.close()
