"""Small office documents built byte by byte, with or without active content.

OOXML and OpenDocument files are zip archives written with ``zipfile``; Office 97-2003
files are Compound File Binary containers written by ``cfb`` below (``olefile`` reads them
but cannot write them).
"""

from __future__ import annotations

import io
import struct
import zipfile

OOXML_MAIN = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def ooxml(kind: str = "docx", parts: dict[str, bytes | str] | None = None,
          content_types: str = "", main_type: str = "") -> bytes:
    """A minimal OOXML package of KIND with extra PARTS and content-type overrides."""
    main_part, default_type = OOXML_MAIN[kind]
    main_type = main_type or f"application/vnd.openxmlformats-officedocument.{default_type}"
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        f"{content_types}</Types>"
    )
    rels = relationships(("rId1", f"{OFFICE_RELS}/officeDocument", main_part, ""))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main_part, '<?xml version="1.0"?><document>แผนดิจิทัล</document>')
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def relationships(*rels: tuple[str, str, str, str]) -> str:
    """A relationships part: (id, type, target, target mode) each."""
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "") + "/>"
        for rid, kind, target, mode in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{RELS_NS}">{items}</Relationships>'
    )


def odf(parts: dict[str, bytes | str] | None = None, manifest_entries: str = "") -> bytes:
    """A minimal OpenDocument text with extra PARTS and manifest entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.text"/>'
            f"{manifest_entries}</manifest:manifest>",
        )
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- Compound File Binary -----------------------------------------------------------------

FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
SECTOR = 512
MINI_CUTOFF = 4096


def cfb(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A Compound File Binary (version 3) holding STREAMS and STORAGES, by path ("A/B").

    Storages on the way to a stream are made as needed. Streams are padded to 4096 bytes so
    that all of them live in regular sectors (no mini stream).
    """
    # Directory tree: each storage's children linked through their right siblings.
    nodes: list[dict] = [{"name": "Root Entry", "type": 5, "children": [], "data": None}]
    index: dict[tuple[str, ...], int] = {(): 0}

    def node(path: tuple[str, ...], data: bytes | None) -> int:
        if path in index:
            return index[path]
        parent = node(path[:-1], None)
        nodes.append({"name": path[-1], "type": 1 if data is None else 2,
                      "children": [], "data": data})
        index[path] = len(nodes) - 1
        nodes[parent]["children"].append(index[path])
        return index[path]

    for path in storages:
        node(tuple(path.split("/")), None)
    for path, data in streams.items():
        node(tuple(path.split("/")), data.ljust(MINI_CUTOFF, b"\x00"))

    dir_sectors = -(-len(nodes) // 4)
    fat = [FAT_SECTOR] + [*range(2, dir_sectors + 1), END]
    starts: dict[int, tuple[int, int]] = {}
    body = b""
    for i, item in enumerate(nodes):
        if item["data"] is None:
            continue
        count = len(item["data"]) // SECTOR + (1 if len(item["data"]) % SECTOR else 0)
        first = len(fat)
        fat.extend([*range(first + 1, first + count), END])
        starts[i] = (first, len(item["data"]))
        body += item["data"].ljust(count * SECTOR, b"\x00")
    assert len(fat) <= SECTOR // 4, "too large for one FAT sector"
    fat_bytes = struct.pack(f"<{SECTOR // 4}I", *fat, *([FREE] * (SECTOR // 4 - len(fat))))

    def entry(i: int) -> bytes:
        item = nodes[i]
        raw = bytearray(128)
        encoded = item["name"].encode("utf-16-le") + b"\x00\x00"
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), item["type"], 1)
        siblings = nodes[parent_of[i]]["children"] if i else []
        position = siblings.index(i) if i else 0
        right = siblings[position + 1] if i and position + 1 < len(siblings) else FREE
        child = item["children"][0] if item["children"] else FREE
        struct.pack_into("<III", raw, 68, FREE, right, child)
        start, size = starts.get(i, (END, 0))
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    parent_of = {child: i for i, item in enumerate(nodes) for child in item["children"]}
    empty = bytearray(128)
    struct.pack_into("<III", empty, 68, FREE, FREE, FREE)
    directory = b"".join(entry(i) for i in range(len(nodes)))
    directory += bytes(empty) * (dir_sectors * 4 - len(nodes))

    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # the directory starts at sector 1
    struct.pack_into("<I", header, 56, MINI_CUTOFF)
    struct.pack_into("<IIII", header, 60, END, 0, END, 0)
    struct.pack_into("<109I", header, 76, 0, *([FREE] * 108))
    return bytes(header) + fat_bytes + directory + body


# Excel 97-2003 BOUNDSHEET sheet types.
WORKSHEET, MACRO_SHEET, CHART, VBA_MODULE = 0x00, 0x01, 0x02, 0x06


def biff_workbook(*sheets: tuple[str, int], encrypted: bool = False) -> bytes:
    """A Workbook stream's globals: BOF, one BOUNDSHEET per (name, sheet type), EOF; with
    a FILEPASS record after BOF when ENCRYPTED (the records after it then read as noise)."""

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    out = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0206))
    if encrypted:
        out += record(0x002F, struct.pack("<HHH", 1, 1, 2) + bytes(48))
    for name, sheet_type in sheets:
        out += record(
            0x0085, struct.pack("<IBBBB", 0, 0, sheet_type, len(name), 0) + name.encode("latin-1")
        )
    return out + record(0x000A, b"")


def xls(*sheets: tuple[str, int], streams: dict[str, bytes] | None = None,
        storages: tuple[str, ...] = (), encrypted: bool = False) -> bytes:
    """An Excel 97-2003 workbook with SHEETS (default: one worksheet)."""
    workbook = biff_workbook(*(sheets or (("Sheet1", WORKSHEET),)), encrypted=encrypted)
    return cfb({"Workbook": workbook, **(streams or {})}, storages)


def doc(streams: dict[str, bytes] | None = None, storages: tuple[str, ...] = ()) -> bytes:
    """A Word 97-2003 document with extra STREAMS and STORAGES."""
    return cfb({"WordDocument": b"\xec\xa5" + b"\x00" * 62, **(streams or {})}, storages)
