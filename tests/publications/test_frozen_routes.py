"""Issue 14, point 1: the answers, the evidence and the framework text of a published cycle
cannot change from any screen, the Django admin included. Each write route refuses on the
server with the reason (the cycle is published; a correction is a new version)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.utils import translation

from phrom.frameworks.errors import FrameworkRejected
from phrom.frameworks.models import Cycle, CycleStatus, Framework
from phrom.frameworks.services import LifecycleRefused, load_framework, response_reopen
from phrom.responses.evidence import (
    EvidenceRejected,
    evidence_add_file,
    evidence_add_url,
    evidence_remove,
)
from phrom.responses.models import Answer, Evidence, Response, ResponseStatus
from phrom.responses.services import (
    ResponseLocked,
    answer_carry_over,
    answer_save,
    response_submit,
)
from phrom.reviews.models import ClarificationRequest, Verdict
from phrom.reviews.services import ReviewRefused, review_set_status, verdict_save

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
QUESTION = "POL-01-1"  # yes/no, takes evidence
FROZEN = "th-2564 is published"


@pytest.fixture(autouse=True)
def english(client):  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def published(world, media):  # type: ignore[no-untyped-def]
    """A's response answered (with a web address as evidence) and submitted, B's in
    progress; then the cycle published."""
    Answer.objects.create(response=world.response_a, question=QUESTION, value=True, version=1)
    evidence_add_url(response=world.response_a, question=QUESTION,
                     url="https://example.go.th/plan", by=world.user("coordinator_a"))
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    Response.objects.filter(pk=world.response_b.pk).update(status=ResponseStatus.IN_PROGRESS)
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)
    for response in (world.response_a, world.response_b):
        response.refresh_from_db()
    return world


def answers_of(world) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return list(Answer.objects.filter(response__cycle=world.cycle).order_by("pk")
                .values_list("question", "value", "not_applicable", "version"))


def test_saving_an_answer_is_refused(published, client) -> None:  # type: ignore[no-untyped-def]
    spec = published.cycle.framework.spec()
    before = answers_of(published)
    with pytest.raises(ResponseLocked, match=FROZEN):
        answer_save(response=published.response_b, question=spec.question(QUESTION),
                    value=True, not_applicable=False, explanation="", base_version=0,
                    by=published.user("coordinator_b"))
    # the page's autosave too, with the reason
    client.force_login(published.user("coordinator_b"))
    reply = client.post(f"/responses/{published.response_b.pk}/answer/{QUESTION}/",
                        {"value": "yes", "base_version": "0"}, HTTP_ACCEPT="application/json")
    assert reply.status_code == 423
    assert FROZEN in reply.json()["message"]
    assert answers_of(published) == before


def test_carrying_an_answer_over_is_refused(published) -> None:  # type: ignore[no-untyped-def]
    spec = published.cycle.framework.spec()
    before = Response.objects.create(cycle=published.cycle.previous, agency=published.agency_b)
    Answer.objects.create(response=before, question=QUESTION, value=True, version=1)
    with pytest.raises(ResponseLocked, match=FROZEN):
        answer_carry_over(response=published.response_b, question=spec.question(QUESTION),
                          base_version=0, by=published.user("coordinator_b"))


def test_submitting_is_refused(published) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ResponseLocked, match=FROZEN):
        response_submit(response=published.response_b, by=published.user("coordinator_b"))
    assert Response.objects.get(pk=published.response_b.pk).status == ResponseStatus.IN_PROGRESS


def test_reopening_is_refused(published) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LifecycleRefused, match=FROZEN):
        response_reopen(response=published.response_a, reason="a late correction",
                        by=published.user("administrator"))
    assert Response.objects.get(pk=published.response_a.pk).status == ResponseStatus.SUBMITTED


def test_adding_or_removing_evidence_is_refused_even_under_a_clarification(
    published
) -> None:  # type: ignore[no-untyped-def]
    # an open clarification request lets evidence in after submission: not once published
    ClarificationRequest.objects.create(
        response=published.response_a, questions=[QUESTION], message="show the plan",
        deadline=dt.date.today() + dt.timedelta(days=7),
    )
    by = published.user("coordinator_a")
    with pytest.raises(EvidenceRejected, match=FROZEN):
        evidence_add_url(response=published.response_a, question=QUESTION,
                         url="https://example.go.th/other", by=by)
    with pytest.raises(EvidenceRejected, match=FROZEN):
        evidence_add_file(response=published.response_a, question=QUESTION,
                          upload=File(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="plan.pdf"), by=by)
    evidence = Evidence.objects.get()
    with pytest.raises(EvidenceRejected, match=FROZEN):
        evidence_remove(evidence=evidence, by=by)
    evidence.refresh_from_db()
    assert evidence.removed_at is None
    assert Evidence.objects.count() == 1


def test_reloading_the_framework_is_refused(published, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = Framework.objects.get(code="th-2564").source
    changed = tmp_path / "th-2564.yaml"
    changed.write_text(source.replace("Policies and Practices", "Policies"), encoding="utf-8")
    with pytest.raises(FrameworkRejected, match="published.*new version"):
        load_framework(path=changed)
    assert Framework.objects.get(code="th-2564").source == source


def test_importing_answers_is_refused(published, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from phrom.responses.imports import AnswersImportRefused, answers_import
    from scoring.matrix import matrix_questions

    codes = [q.code for q in matrix_questions(published.cycle.framework.spec())]
    path = tmp_path / "answers.csv"
    path.write_text(f"agency,name,group,{','.join(codes)}\n"
                    f"mot-doh,,{published.agency_b.group},yes{',' * (len(codes) - 1)}\n",
                    encoding="utf-8")
    with pytest.raises(AnswersImportRefused, match="published"):
        answers_import(cycle=published.cycle, path=path, replace=True)


def test_review_verdicts_and_status_moves_are_refused(published) -> None:  # type: ignore[no-untyped-def]
    lead = published.user("lead_reviewer")
    with pytest.raises(ReviewRefused, match=FROZEN):
        verdict_save(response=published.response_a, question=QUESTION, verdict="rejected",
                     by=lead, base_version=0, comment="no plan",
                     verified_value=False, set_verified_value=True, reason="no plan")
    with pytest.raises(ReviewRefused, match=FROZEN):
        review_set_status(response=published.response_a, status="in_review", by=lead)
    assert not Verdict.objects.exists()


def test_the_admin_changes_nothing_of_a_published_cycle(published, client) -> None:  # type: ignore[no-untyped-def]
    root = get_user_model().objects.create_superuser(
        username="root@example.go.th", email="root@example.go.th", password="x-Root-9-pass")
    client.force_login(root)
    answer = Answer.objects.get(response=published.response_a)
    framework = Framework.objects.get(code="th-2564")
    for url, data in (
        (f"/admin/responses/answer/{answer.pk}/change/", {"value": "false"}),
        (f"/admin/responses/answer/{answer.pk}/delete/", {"post": "yes"}),
        (f"/admin/frameworks/framework/{framework.pk}/change/", {"source": "code: x"}),
        (f"/admin/frameworks/cycle/{published.cycle.pk}/change/", {"status": "open"}),
    ):
        assert client.post(url, data).status_code == 403, url
    answer.refresh_from_db()
    assert answer.value is True
    assert Framework.objects.get(pk=framework.pk).source == framework.source
    assert Cycle.objects.get(pk=published.cycle.pk).status == CycleStatus.PUBLISHED


def test_the_message_is_translated(published) -> None:  # type: ignore[no-untyped-def]
    spec = published.cycle.framework.spec()
    with translation.override("th"), pytest.raises(ResponseLocked) as refused:
        answer_save(response=published.response_b, question=spec.question(QUESTION),
                    value=True, not_applicable=False, explanation="", base_version=0,
                    by=published.user("coordinator_b"))
    assert "ประกาศผลแล้ว" in str(refused.value)
