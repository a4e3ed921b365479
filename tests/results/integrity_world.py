"""A submitted th-2564 world with planted integrity problems, shared by the page and
command tests of the integrity screens."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.base import ContentFile

from phrom.responses.models import Answer, Evidence, Response

SHARED_SHA = "ab" * 32


def pdf_dated(year: int) -> bytes:
    """A one-page PDF whose metadata says it was made and changed on 1 January YEAR."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    stamp = f"D:{year}0101090000Z"
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_dated(created: str, modified: str) -> bytes:
    """A zip with only docProps/core.xml, as an Office Open XML file holds its dates."""
    core = (
        '<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dcterms="y">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("docProps/core.xml", core)
    return out.getvalue()


def plant(world: Any) -> Any:
    """Both responses submitted, every yes/no question answered (A yes: all at the
    maximum, B no); A and B hold the same evidence file; B's own file dates from 2015."""
    spec = world.cycle.framework.spec()
    yes_no = [q.code for q in spec.questions if q.type == "yes_no"]
    for response in (world.response_a, world.response_b):
        for code in yes_no:
            Answer.objects.create(response=response, question=code,
                                  value=response == world.response_a, version=1)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status="submitted")
    for response in (world.response_a, world.response_b):
        Evidence.objects.create(response=response, question=yes_no[0], sha256=SHARED_SHA,
                                original_name="plan.pdf", size=10)
    old = Evidence(response=world.response_b, question=yes_no[1], original_name="old-order.pdf",
                   sha256="cd" * 32)
    old.file.save("old-order.pdf", ContentFile(pdf_dated(2015)), save=False)
    old.save()
    return world


def plant_reviewers(world: Any) -> None:
    """Six reviewers with 24 verdicts each: five find two answers in three supported, one
    ("lenient@example.go.th") every answer."""
    from django.contrib.auth import get_user_model

    from phrom.reviews.models import Verdict

    codes = [q.code for q in world.cycle.framework.spec().questions]
    cells = [(r, c) for r in (world.response_a, world.response_b) for c in codes]
    names = [f"rev{k}@example.go.th" for k in range(5)] + ["lenient@example.go.th"]
    users = [get_user_model().objects.create_user(username=n, email=n) for n in names]
    for k, (response, code) in enumerate(cells[: 6 * 24]):
        who = k % 6
        verdict = "verified" if who == 5 or (k // 6) % 3 else "not_supported"
        Verdict.objects.create(response=response, question=code, verdict=verdict, by=users[who])
