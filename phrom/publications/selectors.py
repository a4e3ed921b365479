"""Reads of stored publications."""

from __future__ import annotations

import logging
import pickle
import threading
from typing import Any

from phrom.frameworks.models import Cycle
from phrom.publications.models import Publication, PublicationStatus

logger = logging.getLogger(__name__)
_lock = threading.Lock()
# Keyed by id and creation time: a restored or recreated database may reuse an id.
_snapshots: dict[tuple[int, str], Any] = {}


def current_publication(*, cycle: Cycle) -> Publication | None:
    """CYCLE's latest complete publication, or None when it has none."""
    return (Publication.objects.filter(cycle=cycle, status=PublicationStatus.COMPLETE)
            .defer("snapshot", "rows", "awards", "results_csv", "answers_csv", "framework_text")
            .order_by("-version").first())


def published_scored(*, cycle: Cycle) -> Any | None:
    """The scored cycle stored by CYCLE's latest complete publication, or None when it
    has none; read once per process and publication (a publication never changes)."""
    publication = current_publication(cycle=cycle)
    if publication is None:
        return None
    key = (publication.pk, publication.created_at.isoformat())
    with _lock:
        hit = _snapshots.get(key)
    if hit is not None:
        return hit
    blob = Publication.objects.values_list("snapshot", flat=True).get(pk=publication.pk)
    if blob is None:
        return None
    try:
        scored = pickle.loads(bytes(blob))  # written by publish_results on this server only
    except Exception:  # a snapshot older than the code that reads it: pages score again
        logger.warning("publication %s of %s cannot be read; its pages are scored on demand "
                       "until it is published again", publication.version, cycle.code,
                       exc_info=True)
        return None
    with _lock:
        _snapshots[key] = scored
    return scored


def open_publication(*, year_be: int, version: int | None = None) -> Publication | None:
    """The complete publication of the published cycle of YEAR_BE (VERSION, or the
    latest), or None: open data exists only for published cycles."""
    from phrom.frameworks.models import CycleStatus

    found = Publication.objects.filter(
        cycle__year_be=year_be, cycle__status=CycleStatus.PUBLISHED,
        status=PublicationStatus.COMPLETE,
    ).defer("snapshot").select_related("cycle")
    if version is not None:
        found = found.filter(version=version)
    return found.order_by("-version").first()


def publication_log(*, cycle: Cycle) -> list[Publication]:
    """CYCLE's complete publications, latest first: version, when, by whom, and the note
    of each correction."""
    return list(Publication.objects.filter(cycle=cycle, status=PublicationStatus.COMPLETE)
                .defer("snapshot", "rows", "awards", "results_csv", "answers_csv", "framework_text")
                .select_related("by").order_by("-version"))
