"""Reads of frameworks and cycles."""

from __future__ import annotations

from phrom.frameworks.models import Cycle


class CycleNotFound(LookupError):
    pass


def cycle_by_name(name: str) -> Cycle:
    """A cycle by its code (``th-2564``) or its Buddhist Era year (``2564``)."""
    cycle = Cycle.objects.select_related("framework", "previous").filter(code=name).first()
    if cycle is not None:
        return cycle
    if name.isdigit():
        matches = list(Cycle.objects.select_related("framework", "previous").filter(year_be=int(name)))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            codes = ", ".join(c.code for c in matches)
            raise CycleNotFound(f"several cycles are of year {name} ({codes}); name one by its code")
    known = ", ".join(Cycle.objects.values_list("code", flat=True)) or "none; load a framework first"
    raise CycleNotFound(f"no cycle {name!r}; known cycles: {known}")
