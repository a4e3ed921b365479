"""Issue 14, done when: the demo's published open data, fed back into ``phrom score-file``
with the previous cycle's ``results.csv`` as ``--previous``, gives the same totals, ranks,
gains and award winners."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

from phrom.cli import main
from phrom.demo.generate import load_demo
from phrom.demo.review import REVIEW_CYCLE
from phrom.frameworks.models import Cycle, CycleStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, in a transaction rolled back at the end."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(console=Console(file=io.StringIO()), seed=2564)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded, db):
    return None


def rows(text: str) -> dict[str, dict[str, str]]:
    return {r["agency"]: r for r in csv.DictReader(io.StringIO(text))}


def test_the_reviewed_cycles_open_data_recomputes_every_published_figure_and_winner(
    demo, client, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # 2563 is published by the demo; the reviewed 2564 cycle is published here
    Cycle.objects.filter(code=REVIEW_CYCLE).update(status=CycleStatus.PUBLISHED)
    assert main(["publish", "th-2563"]) == 0
    assert main(["publish", REVIEW_CYCLE]) == 0
    files = {
        # score-file names the previous cycle by the file's name, as the reasons say it
        "th-2563.csv": "/open-data/2563/results.csv",
        "framework.yaml": "/open-data/2564/framework.yaml",
        "answers.csv": "/open-data/2564/answers.csv",
    }
    for name, url in files.items():
        reply = client.get(url)  # no login
        assert reply.status_code == 200, url
        (tmp_path / name).write_bytes(reply.content)
    out, awards = tmp_path / "RESULTS.csv", tmp_path / "AWARDS.json"
    assert main(["score-file", "--framework", str(tmp_path / "framework.yaml"),
                 "--answers", str(tmp_path / "answers.csv"),
                 "--previous", str(tmp_path / "th-2563.csv"),
                 "--out", str(out), "--awards-out", str(awards)]) == 0
    published = rows(client.get("/open-data/2564/results.csv").content.decode())
    recomputed = rows(out.read_text(encoding="utf-8"))
    assert len(published) >= 280
    assert set(recomputed) == set(published)
    for agency, row in published.items():
        for column in ("total", "rank", "group_rank", "band", "previous_total", "gain"):
            assert recomputed[agency][column] == row[column], (agency, column)
    assert json.loads(awards.read_text(encoding="utf-8")) == json.loads(
        client.get("/open-data/2564/awards.json").content
    )
    # reviewers' verified values were published, each beside the agency's claimed total
    stored = json.loads(client.get("/open-data/2564/results.json").content)["rows"]
    assert all("claimed_total" in r for r in stored)
    assert any(r["claimed_total"] != r["total"] for r in stored)
