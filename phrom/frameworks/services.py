"""Writes of frameworks and cycles."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from phrom.frameworks.models import Cycle, CycleStatus, Framework
from scoring.loader import load_framework_text
from scoring.model import Framework as FrameworkSpec

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "frameworks"


class FrameworkRejected(ValueError):
    """The framework could not be stored; the message says why and what to do."""


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    cycle: Cycle
    created: bool
    spec: FrameworkSpec


def shipped_framework_path(name: str) -> Path | None:
    """The shipped framework file called NAME (``th-2564`` or ``th-2564.yaml``)."""
    stem = name[:-5] if name.endswith(".yaml") else name
    path = SHIPPED_DIR / f"{stem}.yaml"
    return path if path.exists() else None


def shipped_framework_names() -> list[str]:
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def resolve_framework_path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.exists():
        return path
    shipped = shipped_framework_path(name_or_path)
    if shipped is not None:
        return shipped
    raise FileNotFoundError(
        f"no framework file or shipped framework called {name_or_path!r}; "
        f"shipped: {', '.join(shipped_framework_names())}"
    )


@transaction.atomic
def load_framework(*, path: Path, cycle_code: str | None = None) -> LoadResult:
    """Validate and store a framework file, with a draft cycle of the same code.

    Reloading the same code replaces the stored text, unless answers already given in
    its cycles use question codes that the new text drops: those would be orphaned.
    """
    text = path.read_text(encoding="utf-8")
    spec = load_framework_text(text, path.name)  # raises FrameworkError listing problems
    sha = hashlib.sha256(text.encode()).hexdigest()
    framework = Framework.objects.filter(code=spec.code).first()
    created = framework is None
    if framework is not None and framework.sha256 != sha:
        from phrom.responses.models import Answer

        kept = {q.code for q in spec.questions}
        used = set(
            Answer.objects.filter(response__cycle__framework=framework)
            .values_list("question", flat=True)
            .distinct()
        )
        orphaned = sorted(used - kept)
        if orphaned:
            raise FrameworkRejected(
                f"{path.name}: framework {spec.code} already has answers to question(s) "
                f"{', '.join(orphaned[:10])}{' ...' if len(orphaned) > 10 else ''} that this "
                "file no longer has; keep those codes, or load it under a new code"
            )
    if framework is None:
        framework = Framework(code=spec.code)
    framework.name_th = spec.name.th
    framework.name_en = spec.name.en
    framework.year_be = spec.year_be
    framework.previous_code = spec.previous or ""
    framework.source = text
    framework.source_name = path.name
    framework.sha256 = sha
    framework.save()

    code = cycle_code or spec.code
    previous = None
    if spec.previous:
        previous = Cycle.objects.filter(framework__code=spec.previous).order_by("-year_be").first()
    cycle, _ = Cycle.objects.get_or_create(
        code=code,
        defaults={"year_be": spec.year_be, "framework": framework, "status": CycleStatus.DRAFT},
    )
    changed = False
    if cycle.framework_id != framework.pk:
        cycle.framework = framework
        changed = True
    if previous is not None and cycle.previous_id != previous.pk:
        cycle.previous = previous
        changed = True
    if changed:
        cycle.save()
    # A later cycle loaded first points back once its predecessor arrives.
    Cycle.objects.filter(framework__previous_code=spec.code, previous=None).exclude(
        pk=cycle.pk
    ).update(previous=cycle)
    return LoadResult(framework=framework, cycle=cycle, created=created, spec=spec)
