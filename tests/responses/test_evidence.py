"""Evidence: files and web addresses attached to answers, checked by content, kept in history.

Real database, real files written to a temporary MEDIA_ROOT; the small PDF, PNG, Office
and OpenDocument files are built byte by byte below.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.base import File
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from phrom.core.thai import be_year
from phrom.frameworks.models import CycleStatus
from phrom.responses.evidence import (
    EvidenceRejected,
    clean_file_name,
    evidence_add_file,
    evidence_add_url,
    evidence_remove,
)
from phrom.responses.models import AnswerChange, ChangeKind, Evidence, ResponseStatus
from tests.responses.office_files import cfb

POLICY_Q = "POL-01-1"  # dimension "policy", evidence required
CAPABILITY_Q = "CAP-01-1"  # dimension "capability"
NO_EVIDENCE_Q = "POL-03-2"  # a text question that takes no evidence
FILE_Q = "POL-06-2"  # a file question: answered with evidence although ``evidence: none``


# --- real files, built here ---------------------------------------------------------------


def make_pdf(text: str = "Phrom") -> bytes:
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )
    return out


def make_png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_docx(*, macros: bool = False) -> bytes:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>แผนปฏิบัติการด้านดิจิทัล</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def make_odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return buffer.getvalue()


def make_plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office document")
    return buffer.getvalue()


def make_cfb(stream_name: str) -> bytes:
    """A minimal Compound File Binary (the Office 97-2003 container) with one root stream."""
    return cfb({stream_name: b""})


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name: str, data: bytes) -> File:
    """A file as a service receives it; the name is kept exactly as given."""
    return File(io.BytesIO(data), name=name)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English wording; Thai, the default, is checked at the end."""
    from django.conf import settings as django_settings
    from django.utils import translation

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def logged_in(client, world, persona: str):
    client.force_login(world.user(persona))
    return client


def upload_url(response, question: str = POLICY_Q) -> str:
    return f"/responses/{response.pk}/questions/{question}/evidence/upload"


def url_url(response, question: str = POLICY_Q) -> str:
    return f"/responses/{response.pk}/questions/{question}/evidence/url"


def post_file(client, response, name: str, data: bytes, question: str = POLICY_Q, **extra):
    fileobj = io.BytesIO(data)
    fileobj.name = name
    return client.post(upload_url(response, question), {"file": fileobj, **extra.pop("data", {})}, **extra)


# --- accepted files -----------------------------------------------------------------------


def test_coordinator_uploads_a_pdf_kept_with_its_sha256_size_and_history(client, world, media):
    import hashlib

    data = make_pdf()
    reply = post_file(logged_in(client, world, "coordinator_a"), world.response_a, "plan.pdf", data)

    assert reply.status_code == 302
    assert reply["Location"] == f"/responses/{world.response_a.pk}/#q-{POLICY_Q}"
    evidence = Evidence.objects.get()
    assert evidence.original_name == "plan.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.uploaded_by == world.user("coordinator_a")
    [path] = stored_files(media)
    assert path.read_bytes() == data
    assert "plan" not in path.name  # stored under a random name, never the uploaded one
    change = AnswerChange.objects.get(kind=ChangeKind.EVIDENCE_ADDED)
    assert change.question == POLICY_Q
    assert change.new_value == {
        "name": "plan.pdf", "sha256": evidence.sha256, "size": len(data), "url": "",
        "evidence_id": evidence.pk,
    }
    world.response_a.refresh_from_db()
    assert world.response_a.status == ResponseStatus.IN_PROGRESS


def test_a_file_larger_than_memory_uploads_is_streamed_from_disk_and_kept_whole(
    client, world, media
):
    import hashlib

    data = make_pdf() + b"%" + b"1" * (3 * 1024 * 1024)  # over Django's 2.5 MB in memory
    reply = post_file(logged_in(client, world, "coordinator_a"), world.response_a, "scan.pdf", data)

    assert reply.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    [path] = stored_files(media)
    assert path.stat().st_size == len(data)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("screenshot.png", make_png(), "image/png"),
        (
            "แผนดิจิทัล.docx", make_docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("report.odt", make_odt(), "application/vnd.oasis.opendocument.text"),
        ("old-plan.doc", make_cfb("WordDocument"), "application/msword"),
        ("budget.xls", make_cfb("Workbook"), "application/vnd.ms-excel"),
    ],
)
def test_images_and_office_documents_are_accepted_by_their_content(
    world, media, name, data, content_type
):
    evidence = evidence_add_file(
        response=world.response_a, question=POLICY_Q, upload=upload(name, data),
        by=world.user("coordinator_a"),
    )
    assert evidence.original_name == name
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert Path(evidence.file.path).read_bytes() == data


def test_a_file_question_takes_files_although_it_asks_for_no_further_evidence(world, media):
    evidence = evidence_add_file(
        response=world.response_a, question=FILE_Q, upload=upload("report.pdf", make_pdf()),
        by=world.user("coordinator_a"),
    )
    assert evidence.question == FILE_Q


# --- refused files ------------------------------------------------------------------------


def assert_nothing_stored(media: Path) -> None:
    assert not Evidence.objects.exists()
    assert not AnswerChange.objects.exists()
    assert stored_files(media) == []


def test_html_named_pdf_is_refused_with_a_message_next_to_the_control(client, world, media):
    reply = post_file(logged_in(client, world, "coordinator_a"), world.response_a, "plan.pdf", HTML)

    assert reply.status_code == 400
    page = reply.content.decode()
    assert "is not a file type that is accepted as evidence" in page
    assert "Upload a PDF" in page
    error_id = f"evidence-{POLICY_Q}-file-error"
    assert f'id="{error_id}"' in page
    assert f'aria-describedby="evidence-{POLICY_Q}-file-hint {error_id}"' in page
    assert 'aria-invalid="true"' in page
    assert_nothing_stored(media)


def test_file_over_the_size_limit_is_refused_and_not_kept(client, world, media, settings):
    settings.PHROM_MAX_UPLOAD_MB = 1
    data = make_pdf() + b"%" + b"0" * (1024 * 1024)
    reply = post_file(logged_in(client, world, "coordinator_a"), world.response_a, "scan.pdf", data)

    assert reply.status_code == 400
    assert "larger than 1 MB" in reply.content.decode()
    assert_nothing_stored(media)


def test_service_refuses_a_file_over_the_limit_while_reading_it(world, media, settings):
    settings.PHROM_MAX_UPLOAD_MB = 1
    with pytest.raises(EvidenceRejected, match="larger than 1 MB"):
        evidence_add_file(
            response=world.response_a, question=POLICY_Q,
            upload=upload("scan.pdf", make_pdf() + b"0" * (1024 * 1024)),
            by=world.user("coordinator_a"),
        )
    assert_nothing_stored(media)


def test_empty_file_is_refused(client, world, media):
    reply = post_file(logged_in(client, world, "coordinator_a"), world.response_a, "plan.pdf", b"")

    assert reply.status_code == 400
    assert "is empty" in reply.content.decode()
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("photo.pdf", make_png(), "Rename it to end in .png"),
        ("plan.docx", make_pdf(), "Rename it to end in .pdf"),
        ("budget.xls", make_cfb("WordDocument"), "Rename it to end in .doc"),
        ("plan", make_pdf(), "has no extension"),
    ],
)
def test_a_name_that_disagrees_with_the_content_is_refused(world, media, name, data, fragment):
    with pytest.raises(EvidenceRejected, match=fragment):
        evidence_add_file(
            response=world.response_a, question=POLICY_Q, upload=upload(name, data),
            by=world.user("coordinator_a"),
        )
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("plan.docx", make_docx(macros=True), "contains macros"),
        ("archive.docx", make_plain_zip(), "not a file type"),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 60, "not a file type"),
        ("setup.doc", make_cfb("SummaryInformation"), "not a file type"),
        ("page.pdf", b"  %PDF-1.4 but really text", "not a file type"),
    ],
)
def test_lookalikes_of_accepted_types_are_refused(world, media, name, data, fragment):
    with pytest.raises(EvidenceRejected, match=fragment):
        evidence_add_file(
            response=world.response_a, question=POLICY_Q, upload=upload(name, data),
            by=world.user("coordinator_a"),
        )
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("given", "kept"), [("../../x.pdf", "x.pdf"), ("C:\\x\\y.pdf", "y.pdf"), ("/etc/z.pdf", "z.pdf")]
)
def test_a_name_with_path_parts_is_kept_as_its_base_name_inside_media_root(
    world, media, given, kept
):
    evidence = evidence_add_file(
        response=world.response_a, question=POLICY_Q, upload=upload(given, make_pdf()),
        by=world.user("coordinator_a"),
    )
    assert evidence.original_name == kept
    [path] = stored_files(media)
    assert path.resolve().is_relative_to(media.resolve())
    assert not (media.parent / kept).exists()
    assert not (media.parent.parent / kept).exists()


def test_a_posted_name_with_path_parts_is_stored_under_its_base_name(client, world, media):
    reply = post_file(
        logged_in(client, world, "coordinator_a"), world.response_a, "../../evil.pdf", make_pdf()
    )
    assert reply.status_code == 302
    assert Evidence.objects.get().original_name == "evil.pdf"
    [path] = stored_files(media)
    assert path.resolve().is_relative_to(media.resolve())


def test_names_lose_control_characters_and_are_capped_keeping_the_extension():
    assert clean_file_name("re\u202eport\x00\x1f.pdf") == "report.pdf"
    assert clean_file_name("  ..\\..\\แผน  ปี\t2564.pdf ") == "แผน ปี 2564.pdf"
    assert clean_file_name('a:b*c?"d".pdf') == "a_b_c__d_.pdf"
    long = clean_file_name("ก" * 400 + ".docx")
    assert len(long) <= 200 and long.endswith(".docx")
    assert clean_file_name("../..") == ""


def test_the_same_file_twice_on_one_question_is_refused(world, media):
    by = world.user("coordinator_a")
    evidence_add_file(response=world.response_a, question=POLICY_Q, upload=upload("a.pdf", make_pdf()), by=by)
    with pytest.raises(EvidenceRejected, match="already attached"):
        evidence_add_file(
            response=world.response_a, question=POLICY_Q, upload=upload("b.pdf", make_pdf()), by=by
        )
    assert Evidence.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_a_question_without_evidence_takes_none(client, world, media):
    with pytest.raises(EvidenceRejected, match="takes no evidence"):
        evidence_add_url(
            response=world.response_a, question=NO_EVIDENCE_Q, url="https://www.doh.go.th/",
            by=world.user("coordinator_a"),
        )
    reply = post_file(
        logged_in(client, world, "coordinator_a"), world.response_a, "plan.pdf", make_pdf(),
        question=NO_EVIDENCE_Q,
    )
    assert reply.status_code == 404
    assert_nothing_stored(media)


# --- web addresses ------------------------------------------------------------------------


def test_coordinator_adds_a_web_address(client, world, media):
    reply = logged_in(client, world, "coordinator_a").post(
        url_url(world.response_a), {"url": "  https://www.drr.go.th/plan-2564.pdf "}
    )
    assert reply.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.url == "https://www.drr.go.th/plan-2564.pdf"
    assert not evidence.file
    change = AnswerChange.objects.get()
    assert change.new_value["url"] == evidence.url
    assert change.new_value["evidence_id"] == evidence.pk


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("javascript:alert(1)", "starts with https://"),
        ("ftp://files.example.go.th/plan.pdf", "starts with https://"),
        ("https://", "starts with https://"),
        ("www.drr.go.th", "starts with https://"),
        ("https://www.drr.go.th/" + "a" * 1000, "longer than 1000 characters"),
        ("https://user:secret@www.drr.go.th/", "user name and password"),
        ("", "Type or paste a web address"),
        ("https://www.drr.go.th/plan\x00.pdf", "invisible control character"),
    ],
)
def test_unusable_web_addresses_are_refused_with_a_clear_message(client, world, media, url, fragment):
    reply = logged_in(client, world, "coordinator_a").post(
        url_url(world.response_a), {"url": url}, HTTP_HX_REQUEST="true"
    )
    assert reply.status_code == 200  # htmx swaps only successful responses
    page = reply.content.decode()
    assert fragment in page
    assert f'aria-describedby="evidence-{POLICY_Q}-url-error"' in page
    assert not Evidence.objects.exists()


# --- who may add --------------------------------------------------------------------------


def test_respondent_limited_to_policy_cannot_add_evidence_to_a_capability_question(
    client, world, media
):
    client = logged_in(client, world, "respondent_a")
    reply = post_file(client, world.response_a, "plan.pdf", make_pdf(), question=CAPABILITY_Q)
    assert reply.status_code == 403
    reply = client.post(url_url(world.response_a, CAPABILITY_Q), {"url": "https://www.drr.go.th/"})
    assert reply.status_code == 403
    assert_nothing_stored(media)

    reply = post_file(client, world.response_a, "plan.pdf", make_pdf(), question=POLICY_Q)
    assert reply.status_code == 302
    assert Evidence.objects.get().question == POLICY_Q


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator_b", 404),  # another agency's response does not exist for them
        ("reviewer", 403),
        ("administrator", 403),
        ("executive", 403),
        ("outsider", 404),
    ],
)
def test_only_the_agency_may_add_evidence(client, world, media, persona, status):
    reply = post_file(logged_in(client, world, persona), world.response_a, "plan.pdf", make_pdf())
    assert reply.status_code == status
    assert_nothing_stored(media)


def test_anonymous_visitor_cannot_upload(client, world, media):
    reply = post_file(client, world.response_a, "plan.pdf", make_pdf())
    assert reply.status_code == 302  # to the sign-in page, which returns here
    assert reply["Location"].startswith("/accounts/login/?next=")
    assert_nothing_stored(media)


def test_no_evidence_is_added_once_the_response_is_submitted_or_the_cycle_closed(
    client, world, media
):
    client = logged_in(client, world, "coordinator_a")
    type(world.response_a).objects.filter(pk=world.response_a.pk).update(
        status=ResponseStatus.SUBMITTED
    )
    # 423 with the reason, as answer saves answer (tests/responses/test_evidence_locked.py).
    reply = post_file(client, world.response_a, "plan.pdf", make_pdf())
    assert reply.status_code == 423
    assert "has been submitted" in reply.content.decode()
    type(world.response_a).objects.filter(pk=world.response_a.pk).update(
        status=ResponseStatus.IN_PROGRESS
    )
    type(world.cycle).objects.filter(pk=world.cycle.pk).update(status=CycleStatus.CLOSED)
    reply = post_file(client, world.response_a, "plan.pdf", make_pdf())
    assert reply.status_code == 423
    assert "cycle is not open" in reply.content.decode()
    assert_nothing_stored(media)


def test_upload_without_a_valid_csrf_token_is_refused(world, media):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("coordinator_a"))
    reply = post_file(client, world.response_a, "plan.pdf", make_pdf())
    assert reply.status_code == 403
    assert_nothing_stored(media)


# --- downloads ----------------------------------------------------------------------------


@pytest.fixture
def thai_pdf(world, media) -> Evidence:
    return evidence_add_file(
        response=world.response_a, question=POLICY_Q,
        upload=upload("รายงานประจำปี 2564.pdf", make_pdf()), by=world.user("coordinator_a"),
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("administrator", 200),
        ("lead_reviewer", 200),
        ("reviewer", 200),
        ("executive", 200),
        ("coordinator_a", 200),
        ("respondent_a", 200),  # limited to policy for answering, but reads the whole response
        ("coordinator_b", 404),  # another agency's file: not even its existence shows
        ("outsider", 404),
    ],
)
def test_who_may_download_evidence(client, world, thai_pdf, persona, status):
    reply = logged_in(client, world, persona).get(f"/responses/evidence/{thai_pdf.pk}/download")
    assert reply.status_code == status
    if status == 200:
        assert b"".join(reply.streaming_content) == make_pdf()


def test_a_download_goes_as_it_is_to_a_browser_that_accepts_gzip(client, world, thai_pdf):
    reply = logged_in(client, world, "reviewer").get(
        f"/responses/evidence/{thai_pdf.pk}/download", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert not reply.has_header("Content-Encoding")
    assert b"".join(reply.streaming_content) == make_pdf()


def test_anonymous_visitor_cannot_download(client, thai_pdf):
    assert client.get(f"/responses/evidence/{thai_pdf.pk}/download").status_code == 404


def test_download_is_an_attachment_with_its_thai_name_and_no_sniffing(client, world, thai_pdf):
    reply = logged_in(client, world, "reviewer").get(f"/responses/evidence/{thai_pdf.pk}/download")
    assert reply["Content-Type"] == "application/pdf"
    assert reply["X-Content-Type-Options"] == "nosniff"
    disposition = reply["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="evidence.pdf"' in disposition
    assert (
        "filename*=UTF-8''%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99"
        in disposition
    )
    assert "%202564.pdf" in disposition
    assert reply["Content-Length"] == str(len(make_pdf()))
    assert "sandbox" in reply["Content-Security-Policy"]


def test_an_ascii_name_is_sent_quoted(client, world, media):
    evidence = evidence_add_file(
        response=world.response_a, question=POLICY_Q, upload=upload('plan "final".pdf', make_pdf()),
        by=world.user("coordinator_a"),
    )
    reply = logged_in(client, world, "coordinator_a").get(
        f"/responses/evidence/{evidence.pk}/download"
    )
    assert reply["Content-Disposition"] == 'attachment; filename="plan _final_.pdf"'


def test_a_web_address_has_nothing_to_download(client, world, media):
    evidence = evidence_add_url(
        response=world.response_a, question=POLICY_Q, url="https://www.drr.go.th/",
        by=world.user("coordinator_a"),
    )
    reply = logged_in(client, world, "reviewer").get(f"/responses/evidence/{evidence.pk}/download")
    assert reply.status_code == 404


def test_unknown_evidence_is_not_found(client, world, media):
    reply = logged_in(client, world, "administrator").get("/responses/evidence/999999/download")
    assert reply.status_code == 404


# --- removal ------------------------------------------------------------------------------


def test_removal_asks_first_then_keeps_the_file_and_the_history(client, world, thai_pdf, media):
    client = logged_in(client, world, "coordinator_a")
    remove_url = f"/responses/evidence/{thai_pdf.pk}/remove"

    page = client.get(remove_url).content.decode()
    assert "Remove file “รายงานประจำปี 2564.pdf”? It stays in the history." in page
    assert f'action="{remove_url}"' in page
    assert Evidence.objects.get().removed_at is None

    reply = client.post(remove_url, {"next": f"/responses/{world.response_a.pk}/policy/#q-{POLICY_Q}"})
    assert reply.status_code == 302
    assert reply["Location"] == f"/responses/{world.response_a.pk}/policy/#q-{POLICY_Q}"
    thai_pdf.refresh_from_db()
    assert thai_pdf.removed_at is not None
    assert thai_pdf.removed_by == world.user("coordinator_a")
    assert Path(thai_pdf.file.path).read_bytes() == make_pdf()
    kinds = list(AnswerChange.objects.values_list("kind", flat=True))
    assert kinds == [ChangeKind.EVIDENCE_ADDED, ChangeKind.EVIDENCE_REMOVED]
    removed = AnswerChange.objects.get(kind=ChangeKind.EVIDENCE_REMOVED)
    assert removed.old_value["evidence_id"] == thai_pdf.pk
    assert removed.old_value["sha256"] == thai_pdf.sha256
    assert removed.by == world.user("coordinator_a")
    # reviewers still reach the removed file from the history
    client.force_login(world.user("reviewer"))
    assert client.get(f"/responses/evidence/{thai_pdf.pk}/download").status_code == 200


def test_removing_twice_records_one_removal(world, thai_pdf):
    by = world.user("coordinator_a")
    evidence_remove(evidence=thai_pdf, by=by)
    evidence_remove(evidence=thai_pdf, by=by)
    assert AnswerChange.objects.filter(kind=ChangeKind.EVIDENCE_REMOVED).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator_b", 404), ("reviewer", 403), ("administrator", 403), ("outsider", 404)],
)
def test_only_the_agency_may_remove_evidence(client, world, thai_pdf, persona, status):
    client = logged_in(client, world, persona)
    assert client.get(f"/responses/evidence/{thai_pdf.pk}/remove").status_code == status
    assert client.post(f"/responses/evidence/{thai_pdf.pk}/remove").status_code == status
    thai_pdf.refresh_from_db()
    assert thai_pdf.removed_at is None


def test_respondent_limited_to_policy_cannot_remove_capability_evidence(client, world, media):
    evidence = evidence_add_url(
        response=world.response_a, question=CAPABILITY_Q, url="https://www.drr.go.th/skills",
        by=world.user("coordinator_a"),
    )
    reply = logged_in(client, world, "respondent_a").post(f"/responses/evidence/{evidence.pk}/remove")
    assert reply.status_code == 403
    evidence.refresh_from_db()
    assert evidence.removed_at is None


# --- htmx and redirects -------------------------------------------------------------------


def test_htmx_upload_answers_with_the_widget_and_a_status_line(client, world, media):
    reply = post_file(
        logged_in(client, world, "coordinator_a"), world.response_a, "plan.pdf", make_pdf(),
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 200
    page = reply.content.decode()
    evidence = Evidence.objects.get()
    assert f'href="/responses/evidence/{evidence.pk}/download"' in page
    assert f'id="evidence-{POLICY_Q}-status" hx-swap-oob="innerHTML">“plan.pdf” uploaded.' in page


def test_htmx_remove_link_shows_the_confirmation_inside_the_widget(client, world, thai_pdf):
    client = logged_in(client, world, "coordinator_a")
    page = client.get(
        f"/responses/evidence/{thai_pdf.pk}/remove", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "It stays in the history." in page
    assert 'autofocus' in page
    assert "<html" not in page

    page = client.post(
        f"/responses/evidence/{thai_pdf.pk}/remove", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "removed. It stays in the history." in page
    assert "/download" not in page


def test_a_safe_next_is_followed_and_a_foreign_one_ignored(client, world, media):
    client = logged_in(client, world, "coordinator_a")
    reply = client.post(url_url(world.response_a), {"url": "https://a.go.th/", "next": "/responses/"})
    assert reply["Location"] == "/responses/"
    for n, foreign in enumerate(("https://evil.example/", "//evil.example/", "/\\evil.example/")):
        reply = client.post(
            url_url(world.response_a), {"url": f"https://b.go.th/{n}", "next": foreign}
        )
        assert reply["Location"] == f"/responses/{world.response_a.pk}/#q-{POLICY_Q}"


def test_a_plain_upload_without_a_file_asks_for_one(client, world, media):
    reply = logged_in(client, world, "coordinator_a").post(upload_url(world.response_a), {})
    assert reply.status_code == 400
    assert "Choose a file to upload first." in reply.content.decode()


# --- the widget ---------------------------------------------------------------------------


def render_widget(world, persona: str | None, question_code: str = POLICY_Q, request=None) -> str:
    from django.contrib.auth.models import AnonymousUser

    spec = world.response_a.cycle.framework.spec()
    if request is None:
        request = RequestFactory().get(f"/responses/{world.response_a.pk}/policy/")
        request.user = world.user(persona) if persona else AnonymousUser()
    template = Template(
        '{% include "responses/evidence/_widget.html" with response=response question=question %}'
    )
    return template.render(
        Context({"response": world.response_a, "question": spec.question(question_code),
                 "request": request, "user": request.user})
    )


def test_widget_lists_evidence_with_size_and_buddhist_era_date(world, thai_pdf):
    evidence_add_url(
        response=world.response_a, question=POLICY_Q, url="https://www.drr.go.th/plan",
        by=world.user("coordinator_a"),
    )
    page = render_widget(world, "coordinator_a")
    assert "รายงานประจำปี 2564.pdf" in page
    assert f'href="/responses/evidence/{thai_pdf.pk}/download"' in page
    assert "https://www.drr.go.th/plan" in page
    assert str(be_year(timezone.localdate().year)) in page
    assert "bytes" in page or "ไบต์" in page


def test_widget_offers_a_labelled_native_file_input_and_a_url_field(world, media):
    page = render_widget(world, "coordinator_a")
    dom = f"evidence-{POLICY_Q}"
    assert f'<label for="{dom}-file">' in page
    assert f'<input type="file" id="{dom}-file" name="file"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'hx-encoding="multipart/form-data"' in page
    assert f'aria-describedby="{dom}-file-hint"' in page
    assert f'<button type="submit" id="{dom}-upload">' in page
    assert f'<label for="{dom}-url">' in page
    assert f'id="{dom}-status" role="status" aria-live="polite"' in page
    assert f'name="next" value="/responses/{world.response_a.pk}/policy/#q-{POLICY_Q}"' in page
    assert "(required)" in page


@pytest.mark.parametrize("persona", ["reviewer", "executive", "coordinator_b", None])
def test_widget_offers_no_forms_to_those_who_may_not_add(world, thai_pdf, persona):
    page = render_widget(world, persona)
    assert 'type="file"' not in page
    assert "/remove" not in page


def test_widget_of_a_limited_respondent_offers_no_forms_outside_their_dimensions(world, media):
    assert 'type="file"' in render_widget(world, "respondent_a", POLICY_Q)
    assert 'type="file"' not in render_widget(world, "respondent_a", CAPABILITY_Q)


def test_widget_is_absent_for_a_question_without_evidence(world, media):
    assert render_widget(world, "coordinator_a", NO_EVIDENCE_Q).strip() == ""


def test_widgets_of_one_page_share_one_evidence_query(world, thai_pdf):
    request = RequestFactory().get(f"/responses/{world.response_a.pk}/policy/")
    request.user = world.user("coordinator_a")
    render_widget(world, None, POLICY_Q, request=request)  # warms the gate's lookups
    with CaptureQueriesContext(connection) as queries:
        for code in ("POL-01-2", "POL-01-3", "POL-07-1"):
            render_widget(world, None, code, request=request)
    evidence_queries = [q for q in queries.captured_queries if "responses_evidence" in q["sql"]]
    assert evidence_queries == []


def test_the_widget_speaks_thai_by_default(client, world, media, thai_pdf):
    from django.conf import settings as django_settings
    from django.utils import translation

    client.cookies.pop(django_settings.LANGUAGE_COOKIE_NAME, None)
    client.force_login(world.user("coordinator_a"))
    with translation.override("th"):
        page = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    assert "นำออก" in page
    assert "รายงานประจำปี 2564.pdf" in page
