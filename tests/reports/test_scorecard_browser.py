"""The scorecard on the published agency page, in a browser: bars and radar drawn under the
Content-Security-Policy, no serious accessibility problem, and the PDF link (issue 14
point 3)."""

from __future__ import annotations

import os

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import Answer, Response


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_sees_the_dimension_bars_and_opens_the_pdf(browser, live_server, world):  # type: ignore[no-untyped-def]
    spec = world.cycle.framework.spec()
    for n, response in enumerate((world.response_a, world.response_b)):
        for k, question in enumerate(spec.questions):
            if question.type == "yes_no":
                Answer.objects.create(response=response, question=question.code,
                                      value=(k + n) % 3 != 0, version=1)
    Response.objects.update(status="submitted")
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)

    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/results/th-2564/mot-drr/")
    bars = page.locator(".card-bars .card-own")
    assert bars.count() == len(spec.dimensions)
    assert all(bars.nth(i).bounding_box()["width"] > 0 for i in range(bars.count()))
    # the radar: drawn, one numbered axis per dimension, the names in the list beside it
    radar = page.locator("svg.radar")
    assert radar.bounding_box()["width"] > 150 and radar.bounding_box()["height"] > 150
    assert radar.locator("text").count() == len(spec.dimensions)
    assert page.locator(".radar-names li").count() == len(spec.dimensions)
    assert not refused
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")  # (no inline script: CSP)
    serious = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))")
    assert serious == []
    shot = os.environ.get("PHROM_SCORECARD_SCREENSHOT")  # docs/scorecard-page.png
    if shot:
        page.set_viewport_size({"width": 1000, "height": 900})
        page.locator("main").screenshot(path=shot)
    reply = page.request.get(f"{live_server.url}/results/th-2564/mot-drr/scorecard.pdf")
    assert reply.status == 200 and reply.body().startswith(b"%PDF")
    context.close()
