"""The demo's reviewed cycle, published: a scorecard with the previous cycle beside each
dimension and the claimed total beside the verified one (issue 14 point 3)."""

from __future__ import annotations

import io
import os

import pytest
from rich.console import Console

from phrom.cli import main
from phrom.demo.generate import load_demo
from phrom.demo.review import REVIEW_CYCLE
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.reports.scorecard import scorecard_context
from phrom.results.selectors import scored_cycle
from tests.reports.test_scorecard_pdf import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, in a transaction rolled back at the end."""
    from django.db import transaction

    from phrom.publications import selectors

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(console=Console(file=io.StringIO()), seed=2564)
        assert main(["publish", "th-2563"]) == 0
        cycle = Cycle.objects.get(code=REVIEW_CYCLE)
        Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
        assert main(["publish", REVIEW_CYCLE]) == 0
        yield Cycle.objects.get(pk=cycle.pk)
        transaction.set_rollback(True)
    selectors._snapshots.clear()  # publication ids come back in later tests


def test_a_published_demo_scorecard_sets_each_dimension_beside_the_previous_cycle(
    client, _demo_loaded  # type: ignore[no-untyped-def]
) -> None:
    cycle = _demo_loaded
    scored = scored_cycle(cycle=cycle)
    reviewed = [a for a in scored.agencies
                if scorecard_context(scored=scored, agency=a, language="th")["claimed"]
                is not None]
    # WeasyPrint maps each glyph to the text of its first use: SARA AM is drawn as NIKHAHIT
    # and SARA AA, so a name with it is read back from the PDF's text with SARA AA alone
    # (the page itself shows it correctly); such names are left out of the text check
    agency = next(a for a in sorted(reviewed or scored.agencies)
                  if "\u0e33" not in scored.agencies[a].name_th)
    context = scorecard_context(scored=scored, agency=agency, language="th")
    assert context["has_previous"]
    assert any(d["previous"] is not None for d in context["dimensions"])
    reply = client.get(f"/results/{cycle.code}/{agency}/scorecard.pdf")
    assert reply.status_code == 200
    text = text_of(reply.content)
    assert context["agency_name"] in text
    assert "รอบก่อน" in text
    out = os.environ.get("PHROM_SCORECARD_PDF")  # rendered to docs/scorecard-pdf-*.png
    if out:
        with open(out, "wb") as fh:
            fh.write(reply.content)
