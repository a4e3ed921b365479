"""What an uploaded file is, by its content, and whether it carries active content.

A file is recognised by its magic bytes and, for office documents, by the parts inside:
the zip container of OOXML and OpenDocument files, and the Compound File Binary (OLE2)
container of Office 97-2003 files, read with ``olefile``. Accepted kinds that carry
something that runs or fetches when the file is opened (macros, Excel 4.0 macro sheets,
embedded OLE objects, remote templates) are refused, as are office files protected with a
password (nobody could check or open them) and archives that would unpack to far more than
an office document holds. A part that has to be checked is read whole, as an XML reader
reads it (its encoding, character references); one that is too large or cannot be read
makes the file refused, never skipped. Nothing here writes or reads the database.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

import olefile
from django.core.files import File
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 64
# Parts read from inside an office zip are small XML files; more is not an office document.
MAX_PART_BYTES = 1024 * 1024
# An office document unpacks to a few times its size; deflate at its best reaches about
# 1000. Past these an archive is built to exhaust whoever opens it (a zip bomb).
MAX_ZIP_RATIO = 100
MAX_UNPACKED_FACTOR = 50
MAX_ZIP_ENTRIES = 10_000
# The relationship parts all together, read to find links to remote content.
MAX_RELS_BYTES = 16 * 1024 * 1024
# Only the workbook globals (before the first EOF record) are read for sheet types.
MAX_BIFF_RECORDS = 100_000


class ContentRefused(ValueError):
    """The content is not accepted. ``message`` has a ``%(name)s`` placeholder for the
    file's name, and ``params`` the other values it names."""

    def __init__(self, message: Promise, **params: Any) -> None:
        super().__init__(str(message))
        self.message = message
        self.params = params


# --- accepted file kinds -------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    code: str
    label: Promise
    content_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, FileKind] = {
    k.code: k
    for k in (
        FileKind("pdf", _("PDF document"), "application/pdf", (".pdf",)),
        FileKind("png", _("PNG image"), "image/png", (".png",)),
        FileKind("jpeg", _("JPEG image"), "image/jpeg", (".jpg", ".jpeg")),
        FileKind("gif", _("GIF image"), "image/gif", (".gif",)),
        FileKind("webp", _("WebP image"), "image/webp", (".webp",)),
        FileKind(
            "docx", _("Word document"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        FileKind(
            "xlsx", _("Excel workbook"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        FileKind(
            "pptx", _("PowerPoint presentation"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
        ),
        FileKind("odt", _("OpenDocument text"), "application/vnd.oasis.opendocument.text", (".odt",)),
        FileKind(
            "ods", _("OpenDocument spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet", (".ods",),
        ),
        FileKind(
            "odp", _("OpenDocument presentation"),
            "application/vnd.oasis.opendocument.presentation", (".odp",),
        ),
        FileKind("doc", _("Word 97-2003 document"), "application/msword", (".doc",)),
        FileKind("xls", _("Excel 97-2003 workbook"), "application/vnd.ms-excel", (".xls",)),
        FileKind(
            "ppt", _("PowerPoint 97-2003 presentation"), "application/vnd.ms-powerpoint",
            (".ppt",),
        ),
    )
}

ACCEPTED_EXTENSIONS: tuple[str, ...] = tuple(e for k in KINDS.values() for e in k.extensions)

# OOXML: the main part and its content type as declared in [Content_Types].xml.
OOXML_MAIN = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# Legacy binary office files: a stream of this name directly under the root storage.
CFB_STREAMS = {
    "WordDocument": "doc",
    "Workbook": "xls",
    "Book": "xls",
    "PowerPoint Document": "ppt",
}
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Storages that hold a VBA project: Word's, Excel's, and the project itself.
CFB_VBA_STORAGES = frozenset({"macros", "_vba_project_cur", "vba"})
# Streams of embedded objects that run code when opened: a packaged file (an executable
# or a script dropped into the document) and the Equation Editor's.
CFB_OBJECT_STREAMS = frozenset({"\x01ole10native", "equation native"})
BIFF_BOUNDSHEET = 0x0085
BIFF_EOF = 0x000A
BIFF_FILEPASS = 0x002F
# The FIB's flags (offset 10 of the WordDocument stream): fEncrypted.
WORD_ENCRYPTED_FLAG = 0x0100
# BOUNDSHEET sheet types that are code: an Excel 4.0 macro sheet, a VBA module sheet.
BIFF_MACRO_SHEET = 0x01
BIFF_VBA_MODULE = 0x06
# Relationships whose external target is fetched when the document opens.
REMOTE_RELATIONSHIPS = ("attachedtemplate", "subdocument", "frame", "oleobject")
# Folders of an OpenDocument file that hold macros and scripts.
ODF_SCRIPT_FOLDERS = ("basic/", "scripts/")


# --- messages ------------------------------------------------------------------------------

VBA_MACROS = _(
    "“%(name)s” contains macros, which are not accepted. Save it without macros (as .docx, "
    ".xlsx or .pptx) or as PDF, then upload it again."
)
ODF_MACROS = _(
    "“%(name)s” contains macros or scripts (LibreOffice Basic, or scripts in the document), "
    "which are not accepted. Delete them (Tools > Macros > Organize Macros) or save the "
    "document as PDF, then upload it again."
)
MACRO_SHEET = _(
    "“%(name)s” contains an Excel 4.0 macro sheet, which is not accepted. Delete the macro "
    "sheet, or save the workbook as .xlsx without it or as PDF, then upload it again."
)
EMBEDDED_OBJECT = _(
    "“%(name)s” contains an embedded object or control (a program or another file inside "
    "the document), which is not accepted. Remove the object, or save the document as PDF, "
    "then upload it again."
)
REMOTE_CONTENT = _(
    "“%(name)s” loads a template or other content from another address when it is "
    "opened, which is not accepted. Remove the link (in Word: Developer > Document "
    "Template, clear the template) or save the document as PDF, then upload it again."
)
ENCRYPTED = _(
    "“%(name)s” is protected with a password, so reviewers could not open it and its "
    "content cannot be checked. Save it without the password, or as PDF, then upload it "
    "again."
)
ZIP_TOO_LARGE = _(
    "“%(name)s” would unpack to %(size)d MB, more than an office document can hold (at "
    "most %(max)d MB). Check that it is the right file, or save it as PDF and upload that."
)
ZIP_RATIO = _(
    "“%(name)s” is compressed %(ratio)d times over; office documents are compressed a "
    "few times at most, so this file is built to overload whoever opens it. Check that it "
    "is the right file, or save it as PDF and upload that."
)
PART_TOO_LARGE = _(
    "“%(name)s” holds a part (%(part)s) of %(size)s MB that has to be checked for links "
    "and macros; the parts of a normal office document hold at most %(max)d MB, so this "
    "is not a normal document. Open it and save it again (File > Save As) as a new file, "
    "or save it as PDF, then upload it again."
)
PART_UNREADABLE = _(
    "“%(name)s” holds a part (%(part)s) that has to be checked for links and macros but "
    "cannot be read: it is damaged, encrypted or written in a way office programs do not "
    "write it, so this is not a normal document. Open it and save it again (File > Save "
    "As) as a new file, or save it as PDF, then upload it again."
)
WORKBOOK_UNREADABLE = _(
    "“%(name)s” holds more records before its list of sheets than an Excel workbook does, "
    "so its sheets cannot be checked for macros; this is not a normal workbook. Open it "
    "and save it again (File > Save As) as .xlsx, or save it as PDF, then upload it again."
)
ZIP_TOO_MANY_PARTS = _(
    "“%(name)s” holds more parts than an office document does (%(count)d). Check that it "
    "is the right file, or save it as PDF and upload that."
)


# --- recognising a file --------------------------------------------------------------------


def sniff(fileobj: IO[bytes] | File, *, size: int, max_bytes: int) -> FileKind | None:
    """The accepted kind the content is, or None. Leaves the file at position 0.

    SIZE is the file's size in bytes and MAX_BYTES the largest upload accepted, which
    sets how far an archive may unpack. Raises ``ContentRefused`` when the file is of an
    accepted kind but carries active content or would unpack absurdly.
    """
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if not isinstance(head, bytes):
        return None
    code: str | None = None
    if head.startswith(b"%PDF-"):
        code = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        code = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        code = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        code = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        code = "webp"
    elif head.startswith(b"PK\x03\x04"):
        code = _sniff_zip(fileobj, size=size, max_bytes=max_bytes)
    elif head.startswith(CFB_SIGNATURE):
        code = _sniff_cfb(fileobj)
    fileobj.seek(0)
    return KINDS[code] if code else None


# --- zip: OOXML and OpenDocument ----------------------------------------------------------


def _sniff_zip(fileobj: Any, *, size: int, max_bytes: int) -> str | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            # Opening reads only the central directory: its sizes are checked before any
            # part is unpacked.
            infos = archive.infolist()
            _check_unpacked_size(infos, size=size, max_bytes=max_bytes)
            names = {info.filename for info in infos}
            if "mimetype" in names and "content.xml" in names:
                code = ODF_MIMETYPES.get(
                    _read_part(archive, archive.getinfo("mimetype")).strip()
                )
                if code is not None:
                    _check_odf(archive, infos)
                return code
            if "[Content_Types].xml" not in names:
                return None
            declared = _declared_types(archive, infos)
            for code, (part, main_type) in OOXML_MAIN.items():
                if part in names and main_type.lower() in declared:
                    _check_ooxml(archive, infos, declared)
                    return code
            return None
    except ContentRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return None


def _check_unpacked_size(infos: list[zipfile.ZipInfo], *, size: int, max_bytes: int) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ContentRefused(ZIP_TOO_MANY_PARTS, count=len(infos))
    unpacked = sum(max(info.file_size, 0) for info in infos)
    limit = MAX_UNPACKED_FACTOR * max_bytes
    if unpacked > limit:
        raise ContentRefused(
            ZIP_TOO_LARGE, size=unpacked // (1024 * 1024), max=limit // (1024 * 1024)
        )
    # Small documents may compress well (a page of repeated XML); only what unpacks past
    # the upload limit is judged by its ratio: the whole archive, and each part (a bomb
    # hidden beside ordinary images).
    ratio = unpacked / max(size, 1)
    if unpacked > max_bytes and ratio > MAX_ZIP_RATIO:
        raise ContentRefused(ZIP_RATIO, ratio=int(ratio))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > max_bytes and ratio > MAX_ZIP_RATIO:
            raise ContentRefused(ZIP_RATIO, ratio=int(ratio))


def _part_label(name: str) -> str:
    """A part's name as a message shows it: printable characters, not too long."""
    label = "".join(ch for ch in name if ch.isprintable())
    return label if len(label) <= 100 else label[:99] + "…"


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The whole content of a part that has to be checked, or ``ContentRefused``.

    A part is never skipped: one too large to read, or one that cannot be unpacked, makes
    the file refused (it could hide what the check looks for)."""
    if info.file_size > MAX_PART_BYTES:
        raise ContentRefused(
            PART_TOO_LARGE,
            part=_part_label(info.filename),
            size=f"{info.file_size / (1024 * 1024):.1f}",
            max=MAX_PART_BYTES // (1024 * 1024),
        )
    try:
        with archive.open(info) as part:
            return part.read()
    except Exception:  # encrypted, an unknown compression, damaged data: anywhere in zipfile
        raise ContentRefused(PART_UNREADABLE, part=_part_label(info.filename)) from None


def _local(name: str) -> str:
    return name.rpartition(":")[2].lower()


def _xml_elements(data: bytes, part: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each element of an XML part: its local name and its attributes (local names, in
    lower case), as an XML reader sees them: in the part's own encoding (UTF-8 or UTF-16)
    and with character references resolved. Malformed XML, or a DTD (which could declare
    entities), makes the file refused."""
    elements: list[tuple[str, list[tuple[str, str]]]] = []
    refused = ContentRefused(PART_UNREADABLE, part=_part_label(part))

    def start(name: str, attributes: dict[str, str]) -> None:
        elements.append((_local(name), [(_local(k), v) for k, v in attributes.items()]))

    def dtd(*_args: Any) -> None:
        raise refused

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = dtd
    parser.EntityDeclHandler = dtd
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError):
        raise refused from None
    return elements


def _declared_types(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str:
    """What [Content_Types].xml declares (every attribute's value), in lower case."""
    values = [
        value
        for info in infos
        if info.filename == "[Content_Types].xml"
        for _element, attributes in _xml_elements(_read_part(archive, info), info.filename)
        for _name, value in attributes
    ]
    return "\n".join(values).lower()


def _check_odf(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    if any(info.filename.lower().startswith(ODF_SCRIPT_FOLDERS) for info in infos):
        raise ContentRefused(ODF_MACROS)
    for info in infos:
        if info.filename != "META-INF/manifest.xml":
            continue
        for _element, attributes in _xml_elements(_read_part(archive, info), info.filename):
            if any(
                name == "full-path" and value.strip().lstrip("/").lower().startswith(
                    ODF_SCRIPT_FOLDERS
                )
                for name, value in attributes
            ):
                raise ContentRefused(ODF_MACROS)


def _check_ooxml(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], declared: str) -> None:
    lowered = [info.filename.lower() for info in infos]
    if (
        any(n.endswith("vbaproject.bin") for n in lowered)
        or "macroenabled" in declared
        or "vbaproject" in declared
    ):
        raise ContentRefused(VBA_MACROS)
    if any("/macrosheets/" in n or "/intlmacrosheets/" in n for n in lowered) or (
        "macrosheet+xml" in declared
    ):
        raise ContentRefused(MACRO_SHEET)
    if any(_is_embedded_object(n) for n in lowered) or "oleobject" in declared:
        raise ContentRefused(EMBEDDED_OBJECT)
    rels = [info for info in infos if info.filename.lower().endswith(".rels")]
    if sum(info.file_size for info in rels) > MAX_RELS_BYTES:
        raise ContentRefused(ZIP_TOO_MANY_PARTS, count=len(infos))
    for info in rels:
        if _links_remote_content(_xml_elements(_read_part(archive, info), info.filename)):
            raise ContentRefused(REMOTE_CONTENT)


def _is_embedded_object(lowered_name: str) -> bool:
    folder, _slash, base = lowered_name.rpartition("/")
    if folder.endswith("/activex") or folder == "activex":
        return True
    # Charts keep their data as an embedded .xlsx package, which is not code; OLE objects
    # are stored as oleObjectN.bin (or another .bin).
    return folder.endswith("embeddings") and (base.startswith("oleobject") or base.endswith(".bin"))


def _links_remote_content(elements: list[tuple[str, list[tuple[str, str]]]]) -> bool:
    for element, attributes in elements:
        if element != "relationship":
            continue
        # Every spelling of an attribute counts (a prefixed twin cannot hide the real one).
        if not any(
            name == "targetmode" and value.strip().lower() == "external"
            for name, value in attributes
        ):
            continue
        if any(
            name == "type" and value.strip().lower().rsplit("/", 1)[-1] in REMOTE_RELATIONSHIPS
            for name, value in attributes
        ):
            return True
    return False


# --- Compound File Binary: Office 97-2003 -------------------------------------------------


def _sniff_cfb(fileobj: Any) -> str | None:
    """Which legacy office document a Compound File Binary holds, from its root streams."""
    try:
        ole = olefile.OleFileIO(fileobj)
    except Exception:  # a malformed container can fail anywhere in the parser
        return None
    try:
        paths = ole.listdir(streams=True, storages=True)
        root = {path[0] for path in paths if len(path) == 1}
        if "EncryptedPackage" in root:
            # An OOXML document encrypted with a password is stored in this container.
            raise ContentRefused(ENCRYPTED)
        code = next((c for stream, c in CFB_STREAMS.items() if stream in root), None)
        if code is None:
            return None
        parts = {part.lower() for path in paths for part in path}
        if parts & CFB_VBA_STORAGES:
            raise ContentRefused(VBA_MACROS)
        if parts & CFB_OBJECT_STREAMS:
            raise ContentRefused(EMBEDDED_OBJECT)
        if code == "doc":
            head = ole.openstream("WordDocument").read(12)
            if len(head) == 12 and struct.unpack_from("<H", head, 10)[0] & WORD_ENCRYPTED_FLAG:
                raise ContentRefused(ENCRYPTED)
        if code == "xls":
            stream = "Workbook" if "Workbook" in root else "Book"
            sheet_types = _biff_sheet_types(ole.openstream(stream).read())
            if sheet_types is None:
                raise ContentRefused(ENCRYPTED)
            if BIFF_VBA_MODULE in sheet_types:
                raise ContentRefused(VBA_MACROS)
            if BIFF_MACRO_SHEET in sheet_types:
                raise ContentRefused(MACRO_SHEET)
        return code
    except ContentRefused:
        raise
    except Exception:  # streams of a malformed container fail as they are read
        return None
    finally:
        ole.close()


def _biff_sheet_types(stream: bytes) -> set[int] | None:
    """The sheet types named by the BOUNDSHEET records of an Excel 5-2003 workbook globals,
    or None when the workbook is encrypted (the records after FILEPASS are then unreadable)."""
    types: set[int] = set()
    offset = 0
    for _record in range(MAX_BIFF_RECORDS):
        if offset + 4 > len(stream):
            break
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4:offset + 4 + length]
        if kind == BIFF_EOF:
            break
        if kind == BIFF_FILEPASS:
            return None
        if kind == BIFF_BOUNDSHEET and len(body) >= 6:
            types.add(body[5])
        offset += 4 + length
    else:
        # The globals go on past what a workbook holds: a sheet after them would go
        # unchecked, so the workbook is refused rather than passed.
        raise ContentRefused(WORKBOOK_UNREADABLE)
    return types
