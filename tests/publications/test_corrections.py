"""A published figure never changes silently: a new version of published results is a
correction that needs its note, is refused when nothing changed, and `phrom score` says
whether the figures computed now are still the published ones. The command scores as
the results pages do (verified values), or the claims with --claimed."""

from __future__ import annotations

import pytest

from phrom.cli import main
from phrom.publications.models import Publication
from phrom.publications.services import CorrectionRefused, NothingChanged, publish_results
from phrom.reviews.models import Verdict, VerdictKind
from tests.publications.corrections import flip_a_yes_no_answer
from tests.publications.test_publication import csv_rows, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(submitted, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    publish(submitted, django_capture_on_commit_callbacks)
    return submitted


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    from tests.conftest import submit_yes_no_answers

    submit_yes_no_answers(world)
    return world


def test_a_correction_without_a_note_is_refused_and_stores_nothing(published, capsys):  # type: ignore[no-untyped-def]
    flip_a_yes_no_answer(published.response_a)
    with pytest.raises(CorrectionRefused, match="--note"):
        publish_results(cycle=published.cycle, note="  ")
    assert main(["publish", "2564"]) == 2
    assert "say what changed, why and who approved it" in capsys.readouterr().err
    assert list(Publication.objects.values_list("version", flat=True)) == [1]


def test_publishing_the_same_figures_again_stores_no_version(published, capsys):  # type: ignore[no-untyped-def]
    with pytest.raises(NothingChanged):
        publish_results(cycle=published.cycle, note="again")
    assert main(["publish", "2564", "--note", "again"]) == 2
    assert "are those of version 1" in capsys.readouterr().err
    assert list(Publication.objects.values_list("version", flat=True)) == [1]
    # a real correction then takes the next number
    flip_a_yes_no_answer(published.response_a)
    assert main(["publish", "2564", "--note", "answer 1.1 of mot-drr was wrong"]) == 0
    assert sorted(Publication.objects.values_list("version", flat=True)) == [1, 2]
    assert Publication.objects.get(version=2).note == "answer 1.1 of mot-drr was wrong"


def test_score_says_whether_the_published_figures_still_hold(published, capsys):  # type: ignore[no-untyped-def]
    assert main(["score", "2564"]) == 0
    err = capsys.readouterr().err
    assert "the public reads version 1" in err and "the figures computed now are the same" in err
    flip_a_yes_no_answer(published.response_a)
    assert main(["score", "2564"]) == 0
    err = capsys.readouterr().err
    assert "DIFFER" in err and "phrom publish th-2564 --note" in err


def test_score_and_awards_use_verified_values_unless_asked_for_the_claims(submitted, capsys):  # type: ignore[no-untyped-def]
    question = flip_a_yes_no_answer(submitted.response_a)  # claims: A's first answer
    flip_a_yes_no_answer(submitted.response_a)  # back as it was
    Verdict.objects.create(response=submitted.response_a, question=question,
                           verdict=VerdictKind.NOT_SUPPORTED, has_verified_value=True,
                           verified_value=False, reason="no evidence")
    assert main(["score", "2564"]) == 0
    verified = capsys.readouterr().out
    assert main(["score", "2564", "--claimed"]) == 0
    captured = capsys.readouterr()
    assert "agencies' own answers" in captured.err
    assert captured.out != verified  # A's claimed total is higher than its verified one
    assert main(["awards", "2564", "--claimed"]) == 0


def test_free_text_answers_are_not_published_as_open_data(  # type: ignore[no-untyped-def]
    client, submitted, django_capture_on_commit_callbacks, tmp_path
):
    from phrom.responses.models import Answer

    spec = submitted.cycle.framework.spec()
    text = next(q for q in spec.questions if q.type == "text")
    Answer.objects.create(response=submitted.response_a, question=text.code, version=1,
                          value="ผู้ประสานงาน นายสมชาย ใจดี โทร 081-234-5678")
    publish(submitted, django_capture_on_commit_callbacks)
    answers = client.get("/open-data/2564/answers.csv").content.decode()
    assert text.code not in answers.splitlines()[0].split(",")
    url = next(q for q in spec.questions if q.type == "url")
    assert url.code in answers.splitlines()[0].split(",")  # web addresses stay
    for name in ("results.csv", "results.json", "answers.csv", "awards.json"):
        assert "สมชาย" not in client.get(f"/open-data/2564/{name}").content.decode(), name
    assert "สมชาย" not in client.get("/results/th-2564/mot-drr/").content.decode()
    # and the open data still scores to the published figures
    for name in ("framework.yaml", "answers.csv"):
        (tmp_path / name).write_bytes(client.get(f"/open-data/2564/{name}").content)
    out = tmp_path / "results.csv"
    assert main(["score-file", "--framework", str(tmp_path / "framework.yaml"),
                 "--answers", str(tmp_path / "answers.csv"), "--out", str(out)]) == 0
    recomputed = csv_rows(out.read_text(encoding="utf-8"))
    published = csv_rows(client.get("/open-data/2564/results.csv").content.decode())
    assert {a: (r["total"], r["rank"]) for a, r in recomputed.items()} == {
        a: (r["total"], r["rank"]) for a, r in published.items()}
