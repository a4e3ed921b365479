"""A scale generator: N agencies answering one framework, for benchmarks and tests."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from phrom.agencies.models import Agency, AgencyKind
from phrom.demo.generate import draw_response, readiness_pair, seeded_rng
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import load_framework
from phrom.frameworks.shipped import resolve_framework_path
from phrom.responses.models import Answer, Response, ResponseStatus

BATCH = 10_000


@transaction.atomic
def create_scale_cycle(
    *, agencies: int, framework: str = "th-2564", seed: int = 1, code: str | None = None
) -> Cycle:
    """A cycle of ``agencies`` synthetic agencies, every response submitted and complete."""
    loaded = load_framework(path=resolve_framework_path(framework), cycle_code=code)
    cycle = loaded.cycle
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.CLOSED)
    spec = loaded.spec
    groups = [g.code for g in spec.peer_groups] or [""]
    prefix = f"{cycle.code}-a"
    existing = set(Agency.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    Agency.objects.bulk_create(
        [
            Agency(
                code=f"{prefix}{i:05d}",
                name_th=f"หน่วยงานทดสอบ {i}",
                name_en=f"Test agency {i}",
                kind=AgencyKind.DEPARTMENT,
                group=groups[i % len(groups)],
            )
            for i in range(agencies)
            if f"{prefix}{i:05d}" not in existing
        ],
        batch_size=BATCH,
    )
    members = list(Agency.objects.filter(code__startswith=prefix).order_by("code")[:agencies])
    have = set(cycle.responses.values_list("agency_id", flat=True))
    now = timezone.now()
    Response.objects.bulk_create(
        [
            Response(cycle=cycle, agency=a, status=ResponseStatus.SUBMITTED, submitted_at=now)
            for a in members
            if a.pk not in have
        ],
        batch_size=BATCH,
    )
    responses = {r.agency_id: r for r in cycle.responses.all()}
    batch: list[Answer] = []
    for agency in members:
        response = responses[agency.pk]
        if agency.pk in have:
            continue
        rng = seeded_rng(seed, "scale", agency.code)
        readiness = readiness_pair(seed, agency.code)[1]
        for question, (value, na) in draw_response(spec, readiness, rng).items():
            batch.append(
                Answer(response=response, question=question, value=None if na else value,
                       not_applicable=na, version=1)
            )
        if len(batch) >= BATCH:
            Answer.objects.bulk_create(batch)
            batch = []
    Answer.objects.bulk_create(batch)
    return cycle


def describe(cycle: Cycle) -> dict[str, Any]:
    return {
        "cycle": cycle.code,
        "responses": cycle.responses.count(),
        "answers": Answer.objects.filter(response__cycle=cycle).count(),
    }
