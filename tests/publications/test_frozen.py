"""Issue 14, point 1: a published cycle's figures never move. Changing an answer (directly
in the database, as a careless admin would), the framework text, or the scoring code after
publication changes nothing on any page (results table, awards, agency scorecard and its
explanation, scorecard PDF), in the results export or in any open-data file; a correction
is a new version and each version stays readable at its own URL."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.db import transaction
from openpyxl import load_workbook
from pypdf import PdfReader

import phrom.results.adapter as adapter
from phrom.cli import main
from phrom.frameworks.models import Cycle, CycleStatus, Framework
from phrom.publications import selectors
from phrom.publications.models import Publication, PublishedAgency
from phrom.publications.services import publish_results
from phrom.responses.models import Answer, Response, ResponseStatus
from scoring.result import score_cycle
from tests.conftest import make_world

pytestmark = pytest.mark.django_db

PAGES = ("/results/th-2564/", "/results/th-2564/awards/", "/results/th-2564/mot-drr/",
         "/results/th-2564/mot-doh/")
OPEN_DATA = ("results.csv", "results.json", "answers.csv", "awards.json", "framework.yaml",
             "log.json")


@pytest.fixture(autouse=True)
def _fresh_process():  # type: ignore[no-untyped-def]
    """Stored figures are kept per process and publication id; ids come back in later
    tests."""
    selectors._snapshots.clear()
    yield
    selectors._snapshots.clear()


def forget_everything() -> None:
    """What a new web worker knows: nothing read yet (stored figures, parsed frameworks)."""
    from phrom.frameworks import models as framework_models
    from phrom.results import selectors as results_selectors

    selectors._snapshots.clear()
    framework_models._SPECS.clear()
    results_selectors._cache.clear()


@pytest.fixture(scope="module")
def _published(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Both responses submitted with their yes/no questions answered (A yes, B no on all but
    the first), the cycle published and its figures stored (version 1): made once for the
    module, in a transaction rolled back after it; each test runs in a savepoint of it,
    rolled back after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        publish(world)
        yield world
        transaction.set_rollback(True)


def _fresh(world: Any) -> Any:
    """WORLD with its cycle and responses read again (a test may have changed them in
    memory; the database has rolled back)."""
    world.cycle = Cycle.objects.get(pk=world.cycle.pk)
    world.response_a = Response.objects.get(pk=world.response_a.pk)
    world.response_b = Response.objects.get(pk=world.response_b.pk)
    return world


@pytest.fixture
def published(_published: Any, db: None) -> Any:
    return _fresh(_published)


@pytest.fixture
def world(_published: Any, db: None) -> Any:
    """The module's world as make_world left it, before publication: the publication, the
    answers and the statuses undone in the test's savepoint."""
    Publication.objects.filter(cycle_id=_published.cycle.pk).delete()
    Answer.objects.filter(response__cycle_id=_published.cycle.pk).delete()
    Response.objects.filter(cycle_id=_published.cycle.pk).update(
        status=ResponseStatus.NOT_STARTED)
    Cycle.objects.filter(pk=_published.cycle.pk).update(status=CycleStatus.OPEN)
    return _fresh(_published)


def publish(world: Any) -> None:
    spec = world.cycle.framework.spec()
    for response in (world.response_a, world.response_b):
        for i, question in enumerate(q for q in spec.questions if q.type == "yes_no"):
            value = response == world.response_a or i == 0
            Answer.objects.create(response=response, question=question.code, value=value,
                                  version=1)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status="submitted")
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)
    world.cycle.refresh_from_db()
    publish_results(cycle=world.cycle, by=world.user("administrator"))


def stable(html: str) -> str:
    """A page without what changes per request (form tokens, script nonces)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def main_of(html: str) -> str:
    """The page's own content, without the frame (whose log-in link names the URL)."""
    return html[html.index("<main"):html.index("</main>")]


def without_version_notes(html: str) -> str:
    """A results page without the notice of a correction and the ?version=N of its links."""
    html = re.sub(r'<div class="provisional version-notice".*?</div>', "", html, flags=re.S)
    html = re.sub(r"\?version=\d+", "", html)
    return re.sub(r"\n\s*\n", "\n", html)


def pdf_text(client, url: str) -> str:  # type: ignore[no-untyped-def]
    reply = client.get(url)
    assert reply.status_code == 200, url
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.content)).pages)


def results_export(world) -> dict[str, list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    """The results workbook an administrator exports, every sheet but its "About"."""
    from phrom.exports.services import export_request, export_run

    export = export_request(cycle=world.cycle, kind="results", by=world.user("administrator"),
                            language="en")
    done = export_run(export_id=export.pk)
    assert done is not None and done.status == "complete", done and done.error
    with done.file.open("rb") as fh:
        book = load_workbook(io.BytesIO(fh.read()), read_only=True)
    return {sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets if sheet.title != "About"}


def everything(client, world) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Every published figure as a reader gets it: the pages (in Thai and in English), the
    scorecard PDF, the results export and the open-data files."""
    seen: dict[str, object] = {}
    for language in ("th", "en"):
        client.cookies["django_language"] = language
        for url in PAGES:
            reply = client.get(url)
            assert reply.status_code == 200, url
            seen[f"{language} {url}"] = stable(reply.content.decode())
    seen["pdf"] = pdf_text(client, "/results/th-2564/mot-drr/scorecard.pdf")
    for name in OPEN_DATA:
        reply = client.get(f"/open-data/2564/{name}")
        assert reply.status_code == 200, name
        seen[name] = reply.content
    seen["export"] = results_export(world)
    return seen


@pytest.fixture(scope="module")
def _read_once() -> dict[str, object]:
    return {}


@pytest.fixture
def before(client, published, _read_once):  # type: ignore[no-untyped-def]
    """``everything`` as the module's publication shows it before a test changes anything:
    read once for the module (every test starts from the same published state)."""
    if not _read_once:
        _read_once.update(everything(client, published))
    return dict(_read_once)


def assert_same(before: dict[str, object], after: dict[str, object]) -> None:
    for key, value in before.items():
        assert after[key] == value, f"{key} changed after publication"


def test_an_answer_changed_in_the_database_after_publication_moves_no_figure(
    client, published, before
) -> None:  # type: ignore[no-untyped-def]
    assert "mot-drr" in str(before["results.csv"])
    # behind every screen: every answer of A turned to "no", as a careless admin would
    Answer.objects.filter(response=published.response_a).update(value=False, version=2)
    forget_everything()
    assert_same(before, everything(client, published))


def test_a_framework_text_changed_after_publication_moves_no_figure(
    client, published, before
) -> None:  # type: ignore[no-untyped-def]
    framework = Framework.objects.get(pk=published.cycle.framework_id)
    # weights, names and the framework's title rewritten directly in the database
    text = (framework.source.replace("weight: 15", "weight: 1")
            .replace("Policies and Practices", "Something Else"))
    assert text != framework.source
    import hashlib

    Framework.objects.filter(pk=framework.pk).update(
        source=text, sha256=hashlib.sha256(text.encode()).hexdigest())
    forget_everything()
    after = everything(client, published)
    assert_same(before, after)
    assert "Something Else" not in str(after["en /results/th-2564/mot-drr/"])


def test_changed_scoring_code_moves_no_published_figure(
    client, published, before, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]

    def wrong(framework, answers, previous=None):  # type: ignore[no-untyped-def]
        """A scoring change: every answer ignored (every total 0)."""
        from scoring.answers import AgencyAnswers

        empty = [AgencyAnswers(agency=a.agency, answers={}, group=a.group, name=a.name)
                 for a in answers]
        return score_cycle(framework, empty, previous)

    monkeypatch.setattr(adapter, "score_cycle", wrong)
    forget_everything()
    # the change does reach what scores now: the command line's figures move ...
    assert main(["score", "th-2564"]) == 0
    assert "0.00" in capsys.readouterr().out
    # ... and no published one does
    assert_same(before, everything(client, published))


def test_the_pages_of_a_published_cycle_never_run_the_engine(
    client, published, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a published cycle was scored again")

    monkeypatch.setattr(adapter, "score_cycle", refuse)
    monkeypatch.setattr("phrom.results.selectors.explain_agency", refuse)
    monkeypatch.setattr("phrom.publications.stored.explain_agency", refuse)
    forget_everything()
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert client.get("/results/th-2564/mot-drr/scorecard.pdf").status_code == 200


def test_the_stored_figures_are_plain_json_one_explanation_per_agency(published) -> None:  # type: ignore[no-untyped-def]
    publication = Publication.objects.get()
    json.dumps(publication.pages, allow_nan=False)  # plain JSON, no NaN
    assert publication.pages["format"] == 1
    rows = PublishedAgency.objects.filter(publication=publication)
    assert sorted(rows.values_list("agency", flat=True)) == ["mot-doh", "mot-drr"]
    for row in rows:
        json.dumps(row.explanation, allow_nan=False)


def test_a_correction_shows_both_versions_at_their_own_urls_and_the_log(
    client, published
) -> None:  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"
    v1_page = main_of(stable(client.get("/results/th-2564/mot-drr/").content.decode()))
    v1_pdf = pdf_text(client, "/results/th-2564/mot-drr/scorecard.pdf")
    v1_csv = client.get("/open-data/2564/results.csv").content.decode()
    Answer.objects.filter(response=published.response_a).update(value=False, version=2)
    publish_results(cycle=published.cycle, by=published.user("administrator"),
                    note="A's answers were wrong; approved by the lead reviewer")
    v2_csv = client.get("/open-data/2564/results.csv").content.decode()
    assert v2_csv != v1_csv
    latest = main_of(stable(client.get("/results/th-2564/mot-drr/").content.decode()))
    assert latest != v1_page
    # each version at its own URL, pages and files alike
    for version, page in (("1", v1_page), ("2", latest)):
        reply = main_of(stable(client.get("/results/th-2564/mot-drr/",
                                          {"version": version}).content.decode()))
        # the same page, but for the notice of the correction and links kept on version 1
        assert "version-notice" in reply
        assert without_version_notes(reply) == without_version_notes(page)
    replaced = pdf_text(client, "/results/th-2564/mot-drr/scorecard.pdf?version=1")
    assert replaced.startswith("ถูกแทนที่แล้ว: คะแนนเหล่านี้เป็นของฉบับที่ 1")
    assert replaced.endswith(v1_pdf)  # the same figures, under the mark of the correction
    assert pdf_text(client, "/results/th-2564/mot-drr/scorecard.pdf") != v1_pdf
    for url in ("/results/th-2564/?version=1", "/results/th-2564/awards/?version=1"):
        assert client.get(url).status_code == 200
    assert client.get("/open-data/2564/v1/results.csv").content.decode() == v1_csv
    assert client.get("/open-data/2564/v2/results.csv").content.decode() == v2_csv
    log = json.loads(client.get("/open-data/2564/log.json").content)
    assert [v["version"] for v in log["versions"]] == [2, 1]
    assert "approved by the lead reviewer" in log["versions"][0]["correction_note"]


@pytest.mark.parametrize("version", ["3", "0", "01", "1.0", "abc", "-1", "", "99999999999"])
def test_a_version_that_is_not_published_is_not_found(client, published, version) -> None:  # type: ignore[no-untyped-def]
    for url in ("/results/th-2564/", "/results/th-2564/mot-drr/",
                "/results/th-2564/mot-drr/scorecard.pdf"):
        assert client.get(url, {"version": version}).status_code == 404, (url, version)


def test_a_cycle_not_published_has_no_version(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    assert client.get("/results/th-2564/").status_code == 200
    assert client.get("/results/th-2564/", {"version": "1"}).status_code == 404


def test_a_publication_stored_by_older_code_is_refused_not_scored_again(
    client, published, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a published cycle was scored again")

    Publication.objects.update(pages={"format": 0})
    monkeypatch.setattr(adapter, "score_cycle", refuse)
    forget_everything()
    # a page that says so (tests/publications/test_unreadable.py), and the log says why
    assert client.get("/results/th-2564/").status_code == 503
    assert any(isinstance(r.msg, str) and "publish the cycle again" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]
    # the open data, plain text stored with it, stays readable
    assert client.get("/open-data/2564/results.csv").status_code == 200


def test_the_stored_explanation_is_the_one_explained_at_publication(published) -> None:  # type: ignore[no-untyped-def]
    from phrom.results.adapter import score_cycle_from_db
    from phrom.results.selectors import agency_explanation, scored_cycle
    from scoring.explain import explain_agency

    live = score_cycle_from_db(cycle=published.cycle, verified=True)
    stored = scored_cycle(cycle=published.cycle)
    for agency in ("mot-drr", "mot-doh"):
        expected = explain_agency(live.result, agency, live.answers[agency])
        assert agency_explanation(scored=stored, agency=agency) == expected
    assert stored.result.to_rows() == live.result.to_rows()
    assert [a.to_dict() for a in stored.result.awards] == [
        a.to_dict() for a in live.result.awards]


def test_the_next_cycle_gains_over_the_published_figures_of_the_previous_one(world) -> None:  # type: ignore[no-untyped-def]
    """Gains of th-2564 compare with th-2563 as published, even once th-2563's answers
    changed behind every screen."""
    from phrom.results.selectors import scored_cycle

    previous = world.cycle.previous
    for cycle in (previous, world.cycle):
        spec = cycle.framework.spec()
        for agency in (world.agency_a, world.agency_b):
            response, _ = Response.objects.get_or_create(cycle=cycle, agency=agency)
            for question in (q for q in spec.questions if q.type == "yes_no"):
                Answer.objects.create(response=response, question=question.code,
                                      value=agency == world.agency_a, version=1)
            Response.objects.filter(pk=response.pk).update(status="submitted")
    Cycle.objects.filter(pk=previous.pk).update(status=CycleStatus.PUBLISHED)
    previous.refresh_from_db()
    publish_results(cycle=previous)

    def previous_total() -> object:
        forget_everything()
        rows = scored_cycle(cycle=world.cycle).result.to_rows()
        return next(r["previous_total"] for r in rows if r["agency"] == "mot-drr")

    before = previous_total()
    assert before is not None and before > 0
    Answer.objects.filter(response__cycle=previous, response__agency=world.agency_a).update(
        value=False, version=2)
    assert previous_total() == before
