"""An administrator gives one agency more time on the cycle's page, finding it by name."""

import datetime as dt

import pytest

from phrom.core.thai import format_input, today
from phrom.frameworks.deadlines import end_of_day
from phrom.frameworks.models import Cycle, DeadlineChange
from tests.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_extension_for_an_agency_found_by_a_part_of_its_name(browser, live_server, world, login):
    Cycle.objects.filter(pk=world.cycle.pk).update(deadline=end_of_day(today()))
    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    try:
        login(page, world.user("administrator"), then=f"/cycles/{world.cycle.code}/")
        page.wait_for_url(f"{live_server.url}/cycles/{world.cycle.code}/")
        field = page.locator("#id_extension_agency")
        field.fill("ชนบท")  # in the Department of Rural Roads' name only
        page.wait_for_selector(
            f"#id_extension_agency-suggestions option[value='{world.agency_a.code}']", state="attached")
        assert page.locator("#id_extension_agency-suggestions option").count() == 1
        assert run_axe(page) == []
        # Each field of the page's forms has an id of its own (labels and help find theirs).
        ids = page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)")
        assert len(ids) == len(set(ids))
        field.fill(world.agency_a.code)  # what choosing the suggestion puts in the box
        page.locator("#id_extension_deadline").fill(format_input(today() + dt.timedelta(days=7)))
        page.locator("#id_extension_reason").fill("ไฟฟ้าดับทั้งสัปดาห์")
        page.get_by_role("button", name="ขยายกำหนดส่ง").click()
        page.wait_for_selector("text=ไฟฟ้าดับทั้งสัปดาห์")
        assert DeadlineChange.objects.get().agency == world.agency_a
    finally:
        context.close()
