"""`phrom integrity CYCLE [--json]`: the integrity screens of a stored cycle."""

from __future__ import annotations

import json
from datetime import date

import pytest

from phrom.cli import main
from phrom.results.integrity import document_dates
from tests.results.integrity_world import docx_dated, pdf_dated, plant, plant_reviewers

pytestmark = pytest.mark.django_db


def test_the_json_report_names_each_flag_its_cause_and_links_the_answers(world, capsys) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    assert main(["integrity", "th-2564", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cycle"] == "th-2564" and data["agencies"] == 2
    flags = {(f["agency"], f["screen"]): f for f in data["flags"]}
    assert ("mot-drr", "all_maximum") in flags
    assert ("mot-doh", "all_maximum") not in flags
    assert {("mot-drr", "shared_file"), ("mot-doh", "shared_file")} <= set(flags)
    dated = flags[("mot-doh", "out_of_period")]
    assert "old-order.pdf dated 2015-01-01" in dated["detail"]
    assert dated["links"][0].startswith(f"/responses/{world.response_b.pk}/#q-")
    assert ("mot-drr", "out_of_period") not in flags
    assert any("this year's" in note for note in data["notes"])


def test_the_text_report_lists_one_flag_a_line(world, capsys) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    assert main(["integrity", "2564"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("th-2564: 2 of 2 agencies flagged")
    assert "mot-doh\tshared_file\tthe same evidence file 'plan.pdf'" in out


def test_file_dates_can_be_left_unread(world, capsys) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    assert main(["integrity", "th-2564", "--json", "--no-file-dates"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert not [f for f in data["flags"] if f["screen"] == "out_of_period"]


def test_an_unknown_cycle_and_bad_thresholds_are_refused_clearly(world, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["integrity", "no-such-cycle"]) == 2
    assert "no-such-cycle" in capsys.readouterr().err
    assert main(["integrity", "th-2564", "--gain-z", "0"]) == 2
    assert "--gain-z must be above 0" in capsys.readouterr().err
    assert main(["integrity", "th-2564", "--maximum-share", "1.5"]) == 2
    assert "--maximum-share" in capsys.readouterr().err


def test_document_dates_come_from_pdf_and_office_metadata() -> None:
    assert document_dates(pdf_dated(2015)) == (date(2015, 1, 1), date(2015, 1, 1))
    assert document_dates(docx_dated("2019-03-04T05:06:07Z", "2020-01-02T00:00:00Z")) == (
        date(2019, 3, 4), date(2020, 1, 2))
    assert document_dates(b"%PDF-1.4 broken") == ()
    assert document_dates(b"plain text") == ()


def test_answers_breaking_the_frameworks_consistency_rule_are_flagged(world, capsys) -> None:  # type: ignore[no-untyped-def]
    from phrom.responses.models import Answer

    plant(world)
    Answer.objects.create(response=world.response_b, question="SRV-02-1",
                          value=["counter_only", "website"], version=1)
    Answer.objects.create(response=world.response_a, question="SRV-02-1",
                          value=["website", "chat"], version=1)
    assert main(["integrity", "th-2564", "--json"]) == 0
    flags = [f for f in json.loads(capsys.readouterr().out)["flags"]
             if f["screen"] == "contradiction"]
    assert [f["agency"] for f in flags] == ["mot-doh"]
    assert "counter-only-excludes-digital-channels" in flags[0]["detail"]
    assert "Counter service only excludes every digital channel" in flags[0]["detail"]


def test_a_reviewer_far_more_lenient_than_the_peers_is_named(world, capsys) -> None:  # type: ignore[no-untyped-def]
    plant(world)
    plant_reviewers(world)
    assert main(["integrity", "th-2564", "--json"]) == 0
    reviewers = json.loads(capsys.readouterr().out)["reviewers"]
    assert [r["reviewer"] for r in reviewers] == ["lenient@example.go.th"]
    assert "100% of 24 verdicts" in reviewers[0]["detail"]
