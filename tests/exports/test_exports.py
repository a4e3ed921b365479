"""Issue 14, points 7 and 8: administrators export a cycle's results, answers, evidence
lists and reviews as Excel workbooks and every scorecard as one ZIP archive, each written
by the task worker, with its progress and its failures shown on the exports page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from phrom.exports.models import Export, ExportStatus
from phrom.frameworks.models import CycleStatus
from phrom.frameworks.services import cycle_set_status
from phrom.responses.models import Answer, Evidence, Response
from phrom.reviews.models import ClarificationRequest, Verdict
from tests.notifications.test_mail import run_worker

pytestmark = pytest.mark.django_db

INJECTION = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture
def answered(world):  # type: ignore[no-untyped-def]
    """Both responses submitted: every yes/no question answered (A yes, B no), a Thai
    explanation that starts like a formula, a verdict with a verified value on A's first
    answer, evidence with a Thai file name, and a clarification request."""
    spec = world.cycle.framework.spec()
    coordinator = world.user("coordinator_a")
    for response in (world.response_a, world.response_b):
        for question in spec.questions:
            if question.type == "yes_no":
                Answer.objects.create(response=response, question=question.code,
                                      value=response == world.response_a, version=1,
                                      updated_by=coordinator)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status="submitted")
    first = Answer.objects.filter(response=world.response_a).order_by("question").first()
    first.explanation = INJECTION + " คำอธิบาย"
    first.save()
    Verdict.objects.create(
        response=world.response_a, question=first.question, verdict="not_supported",
        comment="ไม่มีหลักฐานรองรับ", has_verified_value=True, verified_value=False,
        reason="เอกสารไม่ตรง", version=1, by=world.user("reviewer"))
    Evidence.objects.create(
        response=world.response_a, question=first.question, original_name="นโยบาย.pdf",
        size=1234, sha256="ab" * 32, content_type="application/pdf", uploaded_by=coordinator)
    Evidence.objects.create(response=world.response_a, question=first.question,
                            url="https://example.go.th/แผน", uploaded_by=coordinator)
    ClarificationRequest.objects.create(
        response=world.response_a, questions=[first.question], message="กรุณาแนบเอกสาร",
        deadline="2026-12-31", asked_by=world.user("reviewer"))
    world.first_question = first.question
    return world


def ask(client, world, kind: str, capture):  # type: ignore[no-untyped-def]
    """The administrator asks for KIND on the page, and the worker writes it."""
    client.force_login(world.user("administrator"))
    with capture(execute=True):
        reply = client.post(f"/exports/{world.cycle.code}/", {"kind": kind})
    assert reply.status_code == 302
    export = Export.objects.order_by("-id").first()
    assert export.status == ExportStatus.PENDING  # queued only
    run_worker()
    export.refresh_from_db()
    return export


def download(client, world, export) -> bytes:  # type: ignore[no-untyped-def]
    reply = client.get(f"/exports/{world.cycle.code}/{export.pk}/download")
    assert reply.status_code == 200
    assert "attachment" in reply["Content-Disposition"]
    return b"".join(reply.streaming_content)


def sheet_rows(data: bytes, title: str) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def by_header(rows: list[list[object]]) -> list[dict[str, object]]:
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["respondent_a", "coordinator_a", "reviewer",
                                     "lead_reviewer", "executive"])
def test_only_administrators_reach_the_exports(client, world, persona) -> None:  # type: ignore[no-untyped-def]
    export = Export.objects.create(cycle=world.cycle, kind="results")
    urls = ["/exports/", f"/exports/{world.cycle.code}/", f"/exports/{world.cycle.code}/jobs/",
            f"/exports/{world.cycle.code}/{export.pk}/download"]
    for url in urls:
        assert client.get(url).status_code == 302, url  # anonymous: sign in first
        assert "/accounts/login/" in client.get(url)["Location"]
    assert client.post(f"/exports/{world.cycle.code}/", {"kind": "answers"}).status_code == 302
    client.force_login(world.user(persona))
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/exports/{world.cycle.code}/", {"kind": "answers"}).status_code == 403
    assert Export.objects.count() == 1
    client.force_login(world.user("administrator"))
    for url in urls[:3]:
        assert client.get(url).status_code == 200, url
    # an export not written yet, or of another cycle, is not there to download
    assert client.get(urls[3]).status_code == 404
    assert client.get(f"/exports/th-2563/{export.pk}/download").status_code == 404


# --- workbooks ---------------------------------------------------------------------------


def test_the_answers_workbook_holds_claimed_and_verified_values_in_thai_without_formulas(
    client, answered, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    export = ask(client, answered, "answers", django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.COMPLETE, export.error
    assert export.filename.endswith(".xlsx") and export.size > 0
    total = Answer.objects.filter(response__cycle=answered.cycle).count()
    assert export.done == export.total == total + 9  # the answers and the About sheet
    data = download(client, answered, export)
    rows = sheet_rows(data, "คำตอบ")
    assert rows[0][:7] == ["รหัสหน่วยงาน", "หน่วยงาน", "กลุ่มหน่วยงาน", "สถานะการตอบแบบสำรวจ",
                           "มิติ", "ข้อคำถาม", "ค่าที่หน่วยงานตอบ"]
    lines = by_header(rows)
    assert len(lines) == total
    drr = [r for r in lines if r["รหัสหน่วยงาน"] == "mot-drr"]
    assert {r["หน่วยงาน"] for r in drr} == {"กรมทางหลวงชนบท"}
    first = next(r for r in drr if r["ข้อคำถาม"] == answered.first_question)
    assert first["ค่าที่หน่วยงานตอบ"] == "yes"
    assert first["ผลการตรวจสอบ"] == "ไม่มีหลักฐานสนับสนุน"
    assert first["ค่าที่ตรวจสอบแล้ว"] == "no" and first["ค่าที่ใช้คิดคะแนน"] == "no"
    assert first["เหตุผลของค่าที่ตรวจสอบแล้ว"] == "เอกสารไม่ตรง"
    assert first["คำชี้แจง"] == "'" + INJECTION + " คำอธิบาย"  # text, never a formula
    other = next(r for r in drr if r["ข้อคำถาม"] != answered.first_question)
    assert other["ค่าที่หน่วยงานตอบ"] == "yes" and other["ค่าที่ตรวจสอบแล้ว"] is None
    assert other["ค่าที่ใช้คิดคะแนน"] == "yes"
    about = dict(sheet_rows(data, "เกี่ยวกับไฟล์นี้")[1:])
    assert about["รอบการประเมิน"] == answered.cycle.code
    assert about["ส่งออกโดย"] == "administrator"
    # no cell of the workbook is a formula
    workbook = load_workbook(io.BytesIO(data))
    assert not [c.coordinate for ws in workbook for row in ws.iter_rows() for c in row
                if c.data_type == "f"]


def test_the_evidence_and_review_workbooks_list_every_item(
    client, answered, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    evidence = ask(client, answered, "evidence", django_capture_on_commit_callbacks)
    lines = by_header(sheet_rows(download(client, answered, evidence), "หลักฐาน"))
    assert len(lines) == 2
    assert lines[0]["ชื่อไฟล์"] == "นโยบาย.pdf" and lines[0]["SHA-256"] == "ab" * 32
    assert lines[0]["ขนาด (ไบต์)"] == 1234 and lines[0]["เพิ่มโดย"] == "coordinator_a"
    assert lines[1]["URL"] == "https://example.go.th/แผน"

    reviews = ask(client, answered, "reviews", django_capture_on_commit_callbacks)
    data = download(client, answered, reviews)
    verdicts = by_header(sheet_rows(data, "ผลการตรวจสอบรายข้อ"))
    assert len(verdicts) == 1
    assert verdicts[0]["ผลการตรวจสอบ"] == "ไม่มีหลักฐานสนับสนุน"
    assert verdicts[0]["ความเห็น"] == "ไม่มีหลักฐานรองรับ"
    assert verdicts[0]["ค่าที่ตรวจสอบแล้ว"] == "no" and verdicts[0]["ผู้ตรวจ"] == "reviewer"
    assert verdicts[0]["เหตุผลของค่าที่ตรวจสอบแล้ว"] == "เอกสารไม่ตรง"
    requests = by_header(sheet_rows(data, "คำขอคำชี้แจง"))
    assert requests[0]["ข้อความ"] == "กรุณาแนบเอกสาร"
    assert requests[0]["กำหนดส่ง"] == "31 ธันวาคม 2569"
    assert len(by_header(sheet_rows(data, "ตรวจสอบ"))) == 2  # one per response


def test_the_results_workbook_before_publication_says_its_scores_are_provisional(
    client, answered, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    export = ask(client, answered, "results", django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.COMPLETE, export.error
    assert export.publication_version is None
    data = download(client, answered, export)
    lines = by_header(sheet_rows(data, "ผลการประเมิน"))
    assert [r["รหัสหน่วยงาน"] for r in lines] == ["mot-drr", "mot-doh"]
    assert lines[0]["อันดับ"] == 1 and lines[0]["หน่วยงาน"] == "กรมทางหลวงชนบท"
    assert isinstance(lines[0]["คะแนนรวม"], float)
    assert "คะแนนรวมตามที่รายงาน" in lines[0]  # a review exists: claimed beside verified
    about = dict(sheet_rows(data, "เกี่ยวกับไฟล์นี้")[1:])
    assert "ยังไม่ประกาศ" in about["ตัวเลข"]


def test_a_published_cycles_results_workbook_keeps_the_stored_figures(
    client, answered, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    admin = answered.user("administrator")
    for status in (CycleStatus.CLOSED, CycleStatus.IN_REVIEW):
        cycle_set_status(cycle=answered.cycle, status=status, by=admin)
    # a cycle is published once its clarification requests are closed
    ClarificationRequest.objects.filter(response=answered.response_a).update(status="closed")
    with django_capture_on_commit_callbacks(execute=True):
        cycle_set_status(cycle=answered.cycle, status=CycleStatus.PUBLISHED, by=admin,
                         override_reason="a test")
    run_worker()
    before = ask(client, answered, "results", django_capture_on_commit_callbacks)
    assert before.publication_version == 1
    # every yes of A turned to no behind every screen: the published figures stay
    Answer.objects.filter(response=answered.response_a).update(value=False)
    after = ask(client, answered, "results", django_capture_on_commit_callbacks)
    figures = [sheet_rows(download(client, answered, e), "ผลการประเมิน")
               for e in (before, after)]
    assert figures[0] == figures[1]
    first = by_header(figures[1])[0]
    assert first["รหัสหน่วยงาน"] == "mot-drr"
    assert first["คะแนนรวมตามที่รายงาน"] is not None  # claimed beside verified, as stored
    batch = ask(client, answered, "scorecards", django_capture_on_commit_callbacks)
    assert batch.status == ExportStatus.COMPLETE, batch.error
    assert batch.publication_version == 1 and batch.done == 2


# --- the page ----------------------------------------------------------------------------


def test_the_page_shows_progress_while_the_worker_writes_and_a_link_when_done(
    client, answered, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.user("administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/exports/{answered.cycle.code}/", {"kind": "answers"})
        client.post(f"/exports/{answered.cycle.code}/", {"kind": "answers"})  # again: a new one
    assert Export.objects.count() == 2
    page = client.get(f"/exports/{answered.cycle.code}/jobs/").content.decode()
    assert 'hx-trigger="every 2s"' in page  # polls while an export waits or runs
    assert "phrom worker" in page
    Export.objects.filter(pk=Export.objects.first().pk).update(
        status=ExportStatus.RUNNING, done=40, total=100)
    page = client.get(f"/exports/{answered.cycle.code}/").content.decode()
    assert '<progress max="100" value="40">' in page and "40 จาก 100" in page
    Export.objects.filter(pk=Export.objects.first().pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=11))
    page = client.get(f"/exports/{answered.cycle.code}/jobs/").content.decode()
    assert "ตัวประมวลผลเบื้องหลังอาจหยุดทำงาน" in page  # no progress for long: said so
    Export.objects.update(status=ExportStatus.PENDING, done=0, total=None)
    assert run_worker() == 2
    page = client.get(f"/exports/{answered.cycle.code}/jobs/").content.decode()
    assert "hx-trigger" not in page
    assert page.count("/download") == 2 and "administrator" in page


# --- every scorecard ---------------------------------------------------------------------


def test_every_scorecard_of_a_cycle_is_one_pdf_per_agency_in_one_zip(
    client, answered, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    export = ask(client, answered, "scorecards", django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.COMPLETE, export.error
    assert export.done == export.total == 2 and not export.problems
    data = download(client, answered, export)
    assert len(data) == export.size
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == ["scorecard-2564-mot-doh.pdf", "scorecard-2564-mot-drr.pdf"]
        for name in names:
            assert archive.read(name).startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest()  # stored whole


# --- failures ----------------------------------------------------------------------------


def test_a_batch_with_nothing_to_make_fails_and_says_why(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    export = ask(client, world, "scorecards", django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.FAILED
    assert export.error == "รอบนี้ไม่มีแบบสำรวจที่คิดคะแนนแล้ว จึงไม่มีรายงานผลให้สร้าง"
    assert export.finished_at is not None and not export.file
    page = client.get(f"/exports/{world.cycle.code}/").content.decode()
    assert "ไม่สำเร็จ" in page and export.error in page
    assert client.get(f"/exports/{world.cycle.code}/{export.pk}/download").status_code == 404


def test_a_file_that_cannot_be_stored_fails_the_export_in_plain_words(
    client, answered, django_capture_on_commit_callbacks, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    with override_settings(MEDIA_ROOT=str(blocked)):
        export = ask(client, answered, "evidence", django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.FAILED
    assert export.error.startswith("เขียนหรือเก็บไฟล์ไม่ได้")


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_renders_in_two_processes(world) -> None:  # type: ignore[no-untyped-def]
    from phrom.exports.services import batch_processes, export_run

    spec = world.cycle.framework.spec()
    for response in (world.response_a, world.response_b):
        Answer.objects.bulk_create(
            Answer(response=response, question=q.code, value=response == world.response_b,
                   version=1) for q in spec.questions if q.type == "yes_no")
    Response.objects.update(status="submitted")
    export = Export.objects.create(cycle=world.cycle, kind="scorecards")
    assert batch_processes() == min(2, os.cpu_count() or 1)
    export = export_run(export_id=export.pk)
    assert export.status == ExportStatus.COMPLETE, export.error
    with zipfile.ZipFile(export.file.path) as archive:
        assert sorted(archive.namelist()) == ["scorecard-2564-mot-doh.pdf",
                                              "scorecard-2564-mot-drr.pdf"]
        assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())
    assert export_run(export_id=export.pk) is None  # run once only


def test_an_export_asked_for_in_english_is_written_in_english(
    client, answered, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import in_english

    in_english(client)
    export = ask(client, answered, "answers", django_capture_on_commit_callbacks)
    assert export.language == "en"
    rows = sheet_rows(download(client, answered, export), "Answers")
    assert rows[0][:3] == ["Agency code", "Agency", "Peer group"]
    assert {r[1] for r in rows[1:] if r[0] == "mot-drr"} == {"Department of Rural Roads"}
    page = client.get(f"/exports/{answered.cycle.code}/").content.decode()
    assert "Ready" in page and export.filename in page
