"""A cycle with awards to decide: the personas' th-2564 answered by six agencies (yes/no
questions only) so that two of them tie at the top of their peer group, one gains over
2563 and one gains but stays under the Outstanding Development floor."""

from __future__ import annotations

from typing import Any

from phrom.agencies.models import Agency, AgencyKind
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.publications.models import Publication
from phrom.publications.services import publish_results
from phrom.responses.models import Answer, Response, ResponseStatus

# code -> (Thai name, English name, peer group, share of yes answers); A and B are the
# personas' agencies (mot-drr, mot-doh, group service)
MORE = {
    "mot-dlt": ("กรมการขนส่งทางบก", "Department of Land Transport", "service", 1.0),
    "mot-md": ("กรมเจ้าท่า", "Marine Department", "service", 0.67),
    "mot-dav": ("กรมท่าอากาศยาน", "Department of Airports", "policy", 0.5),
    "moph-dms": ("กรมการแพทย์", "Department of Medical Services", "policy", 0.34),
}
SHARES = {"mot-drr": 1.0, "mot-doh": 0.0}
# 2563 totals from all-"no" answers: A gains a lot and stays above the floor, the
# Marine Department gains but its 2564 total is under 80
PREVIOUS = ("mot-drr", "mot-md")


def _yes(share: float, k: int) -> bool:
    """The k-th yes/no question answered yes for about SHARE of the questions."""
    return share >= 1.0 or (share > 0 and (k * share) % 1 < share - 1e-9)


def answer_cycle(world: Any) -> dict[str, Agency]:
    """The six agencies' submitted 2564 responses and the two 2563 ones; the agencies by
    code."""
    agencies = {"mot-drr": world.agency_a, "mot-doh": world.agency_b}
    ministry = world.agency_a.ministry
    for code, (th, en, group, _share) in MORE.items():
        agencies[code] = Agency.objects.create(
            code=code, name_th=th, name_en=en, kind=AgencyKind.DEPARTMENT,
            ministry=ministry, group=group)
    shares = {**SHARES, **{code: v[3] for code, v in MORE.items()}}
    spec = world.cycle.framework.spec()
    answers = []
    for code, agency in agencies.items():
        response = Response.objects.filter(cycle=world.cycle, agency=agency).first()
        if response is None:
            response = Response.objects.create(cycle=world.cycle, agency=agency)
        yes_no = [q for q in spec.questions if q.type == "yes_no"]
        answers += [Answer(response=response, question=q.code, value=_yes(shares[code], k),
                           version=1) for k, q in enumerate(yes_no)]
    previous = Cycle.objects.get(pk=world.cycle.previous_id)
    previous_spec = previous.framework.spec()
    for code in PREVIOUS:
        response = Response.objects.create(cycle=previous, agency=agencies[code],
                                           status=ResponseStatus.SUBMITTED)
        answers += [Answer(response=response, question=q.code, value=False, version=1)
                    for q in previous_spec.questions if q.type == "yes_no"]
    Answer.objects.bulk_create(answers)
    Response.objects.filter(cycle=world.cycle).update(status=ResponseStatus.SUBMITTED)
    return agencies


def publish(world: Any, *, note: str = "") -> Publication:
    """World's cycle published (status, then its figures stored as a new version)."""
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)
    world.cycle.refresh_from_db()
    return publish_results(cycle=world.cycle, by=world.user("administrator"), note=note)
