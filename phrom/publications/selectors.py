"""Reads of stored publications."""

from __future__ import annotations

import threading

from django.utils.translation import gettext

from phrom.frameworks.models import Cycle
from phrom.publications.models import Publication, PublicationStatus, PublishedAgency
from phrom.publications.stored import StoredCycle, StoredFiguresUnreadable, stored_cycle
from scoring.explain import Explanation

_lock = threading.Lock()
# Keyed by id and creation time: a restored or recreated database may reuse an id.
_snapshots: dict[tuple[int, str], StoredCycle] = {}

_HEAVY = ("pages", "rows", "awards", "results_csv", "answers_csv", "framework_text")


class VersionNotFound(LookupError):
    """No complete publication of that version."""


def current_publication(*, cycle: Cycle) -> Publication | None:
    """CYCLE's latest complete publication, or None when it has none."""
    return (Publication.objects.filter(cycle=cycle, status=PublicationStatus.COMPLETE)
            .defer(*_HEAVY).order_by("-version").first())


def published_scored(*, cycle: Cycle, version: int | None = None) -> StoredCycle | None:
    """The stored figures of CYCLE's latest complete publication (of VERSION when given),
    as the pages read them, or None when it has none; read once per process and
    publication (a publication never changes).

    Raises ``VersionNotFound`` when VERSION is given and is not a complete publication,
    ``StoredFiguresUnreadable`` when the publication was stored in an older layout (it is
    never scored again in its place)."""
    found = Publication.objects.filter(cycle=cycle, status=PublicationStatus.COMPLETE)
    if version is not None:
        found = found.filter(version=version)
    publication = found.defer(*_HEAVY).order_by("-version").first()
    if publication is None:
        if version is not None:
            raise VersionNotFound(f"{cycle.code} has no published version {version}")
        return None
    key = (publication.pk, publication.created_at.isoformat())
    with _lock:
        hit = _snapshots.get(key)
    if hit is not None:
        return hit
    full = Publication.objects.only(
        "pk", "version", "created_at", "note", "rows", "pages", "framework_text"
    ).get(pk=publication.pk)
    stored = stored_cycle(publication=full, cycle=cycle)
    with _lock:
        _snapshots[key] = stored
    return stored


def stored_explanation(*, stored: StoredCycle, agency: str) -> Explanation:
    """AGENCY's explanation as STORED's publication keeps it (one row read); raises
    ``KeyError`` when the agency has none there."""
    from phrom.publications.stored import explanation_from

    data = (PublishedAgency.objects.filter(publication_id=stored.publication_id, agency=agency)
            .values_list("explanation", flat=True).first())
    if data is None:
        raise KeyError(agency)
    return explanation_from(data, stored.spec)


def open_publication(*, year_be: int, version: int | None = None) -> Publication | None:
    """The complete publication of the published cycle of YEAR_BE (VERSION, or the
    latest), or None: open data exists only for published cycles."""
    from phrom.frameworks.models import CycleStatus

    found = Publication.objects.filter(
        cycle__year_be=year_be, cycle__status=CycleStatus.PUBLISHED,
        status=PublicationStatus.COMPLETE,
    ).defer("pages").select_related("cycle")
    if version is not None:
        found = found.filter(version=version)
    return found.order_by("-version").first()


def publication_log(*, cycle: Cycle) -> list[Publication]:
    """CYCLE's complete publications, latest first: version, when, by whom, and the note
    of each correction."""
    return list(Publication.objects.filter(cycle=cycle, status=PublicationStatus.COMPLETE)
                .defer(*_HEAVY).select_related("by").order_by("-version"))


def replacing_version(*, cycle: Cycle, version: int | None) -> Publication | None:
    """The latest complete publication of CYCLE when VERSION (a publication shown) is an
    earlier one that a correction replaced, else None."""
    if version is None:
        return None
    latest = current_publication(cycle=cycle)
    return latest if latest is not None and latest.version != version else None


def no_version_message(cycle: Cycle, asked: str) -> str:
    """What to write instead of ASKED, a version of CYCLE's results that is not published,
    in the reader's language."""
    versions = [str(p.version) for p in publication_log(cycle=cycle)]
    if not versions:
        return gettext("The results of %(code)s have no published version yet.") % {
            "code": cycle.code}
    return gettext(
        "The results of %(code)s have no published version “%(asked)s”. Their published "
        "versions are %(versions)s: ?version=%(latest)s, say, or no version for the latest."
    ) % {"code": cycle.code, "asked": asked[:20], "versions": ", ".join(reversed(versions)),
         "latest": versions[0]}


__all__ = [
    "StoredFiguresUnreadable",
    "VersionNotFound",
    "current_publication",
    "open_publication",
    "no_version_message",
    "publication_log",
    "replacing_version",
    "published_scored",
    "stored_explanation",
]
