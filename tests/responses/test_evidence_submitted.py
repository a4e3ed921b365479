"""Evidence of a submitted response does not change: the status check and the write are one
step under the response's row lock, so an upload racing the submission either goes in
before it or is refused after it, and a refused file is not kept."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.core.files.base import File
from django.db import connections, transaction
from django.utils import translation

from phrom.frameworks.models import CycleStatus
from phrom.responses.evidence import (
    EvidenceRejected,
    evidence_add_file,
    evidence_add_url,
    evidence_remove,
)
from phrom.responses.models import AnswerChange, ChangeKind, Evidence, Response, ResponseStatus
from phrom.responses.services import response_submit
from tests.responses.helpers import complete_response
from tests.responses.test_evidence import make_pdf

POLICY_Q = "POL-01-1"
SUBMITTED = "This response has been submitted, so its evidence can no longer change"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def add_pdf(world, name: str = "late.pdf") -> Evidence:
    return evidence_add_file(
        response=world.response_a, question=POLICY_Q,
        upload=File(io.BytesIO(make_pdf(name)), name=name), by=world.user("coordinator_a"),
    )


def submit(world) -> None:
    response_submit(response=Response.objects.get(pk=world.response_a.pk),
                    by=world.user("coordinator_a"))


# --- a submitted response ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_submitted_response_refuses_a_file_and_keeps_none_of_it(world, media):
    complete_response(world.response_a, world.user("coordinator_a"))
    submit(world)
    evidence_before = Evidence.objects.count()

    with pytest.raises(EvidenceRejected, match=SUBMITTED) as caught:
        add_pdf(world)

    assert "ask an administrator to reopen the response" in str(caught.value.message)
    assert Evidence.objects.count() == evidence_before
    assert stored_files(media) == []
    assert not AnswerChange.objects.filter(kind=ChangeKind.EVIDENCE_ADDED).exists()


@pytest.mark.django_db
def test_a_submitted_response_refuses_a_web_address_and_a_removal(world, media):
    complete_response(world.response_a, world.user("coordinator_a"))
    attached = Evidence.objects.filter(response=world.response_a).first()
    submit(world)

    with pytest.raises(EvidenceRejected, match=SUBMITTED):
        evidence_add_url(response=world.response_a, question=POLICY_Q,
                         url="https://www.example.go.th/late", by=world.user("coordinator_a"))
    with pytest.raises(EvidenceRejected, match=SUBMITTED):
        evidence_remove(evidence=attached, by=world.user("coordinator_a"))

    attached.refresh_from_db()
    assert attached.removed_at is None
    assert not AnswerChange.objects.filter(
        kind__in=[ChangeKind.EVIDENCE_ADDED, ChangeKind.EVIDENCE_REMOVED]
    ).exists()


@pytest.mark.django_db
def test_a_cycle_that_is_not_open_refuses_evidence(world, media):
    type(world.cycle).objects.filter(pk=world.cycle.pk).update(status=CycleStatus.CLOSED)
    with pytest.raises(EvidenceRejected, match="cycle is not open"):
        add_pdf(world)
    assert stored_files(media) == []
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_the_refusal_is_in_thai_by_default(world, media):
    complete_response(world.response_a, world.user("coordinator_a"))
    submit(world)
    with translation.override("th"):
        with pytest.raises(EvidenceRejected) as caught:
            add_pdf(world)
        assert "ส่งแบบสำรวจนี้แล้ว จึงเปลี่ยนหลักฐานไม่ได้อีก" in str(caught.value.message)


# --- racing the submission -----------------------------------------------------------------


def _in_thread(target, results: dict, key: str) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = target()
        except EvidenceRejected as exc:
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_an_upload_arriving_during_the_submission_waits_for_it_and_is_refused(world, media):
    """The submission holds the response's row; the upload's check waits for it and then
    sees "submitted". Without the lock the file would go in after the submission."""
    complete_response(world.response_a, world.user("coordinator_a"))
    locked, release = threading.Event(), threading.Event()
    results: dict = {}

    def submit_and_hold() -> None:
        with transaction.atomic():
            submit(world)
            locked.set()
            release.wait(20)

    submitter = _in_thread(submit_and_hold, results, "submit")
    assert locked.wait(20)
    uploader = _in_thread(lambda: add_pdf(world), results, "upload")
    uploader.join(1.0)
    assert uploader.is_alive()  # waiting for the submission's lock
    release.set()
    submitter.join(20)
    uploader.join(30)

    assert isinstance(results["upload"], EvidenceRejected)
    assert SUBMITTED in str(results["upload"].message)
    assert Response.objects.get(pk=world.response_a.pk).status == ResponseStatus.SUBMITTED
    assert not Evidence.objects.filter(original_name="late.pdf").exists()
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_submission_arriving_during_an_upload_waits_and_includes_the_file(world, media):
    """The other order: the upload holds the row, the submission waits, and the file is
    part of what was submitted (its history line comes before the submission's)."""
    complete_response(world.response_a, world.user("coordinator_a"))
    locked, release = threading.Event(), threading.Event()
    results: dict = {}

    def upload_and_hold() -> Evidence:
        with transaction.atomic():
            evidence = add_pdf(world, "on-time.pdf")
            locked.set()
            release.wait(20)
        return evidence

    uploader = _in_thread(upload_and_hold, results, "upload")
    assert locked.wait(20)
    submitter = _in_thread(lambda: submit(world), results, "submit")
    submitter.join(1.0)
    assert submitter.is_alive()  # waiting for the upload's lock
    release.set()
    uploader.join(20)
    submitter.join(30)

    assert isinstance(results["upload"], Evidence)
    added = AnswerChange.objects.get(kind=ChangeKind.EVIDENCE_ADDED,
                                     new_value__name="on-time.pdf")
    submitted = AnswerChange.objects.get(kind=ChangeKind.SUBMITTED)
    assert added.pk < submitted.pk
    assert len(stored_files(media)) == 1
