"""A published cycle for the public site's tests: the personas' th-2564 with agencies of
two ministries, Thai names that a code-point sort gets wrong, and enough agencies to need
more than one page; published through publish_results (its stored figures are what the
pages read)."""

from __future__ import annotations

from typing import Any

from phrom.agencies.models import Agency, AgencyKind
from phrom.demo.generate import draw_response, seeded_rng
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.publications.services import publish_results
from phrom.responses.models import Answer, Response, ResponseStatus

# code -> (Thai name, English name, ministry code, peer group, readiness 0..1).
# In Thai order (phrom.core.thai.thai_sort_key: a leading vowel is read after its
# consonant) the agencies' names go: กรมการขนส่งทางบก, กรมเจ้าท่า, กรมทางหลวง,
# กรมทางหลวงชนบท, กรมท่าอากาศยาน, เทศบาลนครเชียงใหม่ (under ท), ไปรษณีย์ตัวอย่าง (ป),
# โรงพยาบาลตัวอย่าง (ร), then หน่วยงานทั่วไป ... (ห); by code points the last three
# would come after every ห.
NAMED = {
    "mot-dlt": ("กรมการขนส่งทางบก", "Department of Land Transport", "mot", "service", 0.80),
    "mot-md": ("กรมเจ้าท่า", "Marine Department", "mot", "service", 0.55),
    "mot-dav": ("กรมท่าอากาศยาน", "Department of Airports", "mot", "policy", 0.65),
    "moi-city": ("เทศบาลนครเชียงใหม่", "Chiang Mai City Municipality", "moi", "local", 0.45),
    "moph-hosp": ("โรงพยาบาลตัวอย่าง", "Example Hospital", "moph", "support", 0.35),
    "mdes-post": ("ไปรษณีย์ตัวอย่าง", "Example Post", "mdes", "support", 0.60),
}
MINISTRIES = {
    "mot": ("กระทรวงคมนาคม", "Ministry of Transport"),
    "moi": ("กระทรวงมหาดไทย", "Ministry of Interior"),
    "moph": ("กระทรวงสาธารณสุข", "Ministry of Public Health"),
    "mdes": ("กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "Ministry of Digital Economy and Society"),
}
# generic agencies, so that the table has more than one page of 50
FILLER = 60


def publish_world(world: Any, *, filler: int = FILLER) -> Any:
    """World's th-2564 cycle answered by the personas' two agencies, the NAMED agencies
    and FILLER more, then published; returns the publication."""
    spec = world.cycle.framework.spec()
    ministries = {"mot": world.agency_a.ministry}
    for code, (th, en) in MINISTRIES.items():
        if code not in ministries:
            ministries[code] = Agency.objects.create(code=code, name_th=th, name_en=en,
                                                     kind=AgencyKind.MINISTRY)
    agencies = [(world.agency_a, 0.7), (world.agency_b, 0.5)]
    for code, (th, en, ministry, group, readiness) in NAMED.items():
        agencies.append((Agency.objects.create(
            code=code, name_th=th, name_en=en, kind=AgencyKind.DEPARTMENT,
            ministry=ministries[ministry], group=group), readiness))
    for i in range(filler):
        agencies.append((Agency.objects.create(
            code=f"gen-{i:03d}", name_th=f"หน่วยงานทั่วไป {i:03d}", name_en=f"General agency {i:03d}",
            kind=AgencyKind.DEPARTMENT, group=("service", "policy", "support")[i % 3]),
            0.2 + 0.7 * ((i * 37) % 100) / 100))
    answers = []
    for agency, readiness in agencies:
        response = Response.objects.filter(cycle=world.cycle, agency=agency).first()
        if response is None:
            response = Response.objects.create(cycle=world.cycle, agency=agency)
        Response.objects.filter(pk=response.pk).update(status=ResponseStatus.SUBMITTED)
        rng = seeded_rng(7, "public", agency.code)
        for question, (value, na) in draw_response(spec, readiness, rng).items():
            answers.append(Answer(response=response, question=question,
                                  value=None if na else value, not_applicable=na, version=1))
    # last cycle's answers of the named agencies and the personas' two: their gains
    previous = Cycle.objects.get(pk=world.cycle.previous_id)
    previous_spec = previous.framework.spec()
    for agency, readiness in agencies[:len(NAMED) + 2]:
        response = Response.objects.create(cycle=previous, agency=agency,
                                           status=ResponseStatus.SUBMITTED)
        rng = seeded_rng(7, "public-previous", agency.code)
        drawn = draw_response(previous_spec, max(0.1, readiness - 0.15), rng)
        for question, (value, na) in drawn.items():
            answers.append(Answer(response=response, question=question,
                                  value=None if na else value, not_applicable=na, version=1))
    Answer.objects.bulk_create(answers)
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)
    world.cycle.refresh_from_db()
    return publish_results(cycle=world.cycle, by=world.user("administrator"))
