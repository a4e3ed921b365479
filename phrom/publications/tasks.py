"""Publications computed by the task worker (``phrom worker``), never in the request."""

from __future__ import annotations

from django_tasks import task

from phrom.publications.models import Publication, PublicationStatus


@task()
def publish_cycle(*, publication_id: int) -> str:
    """Compute and store the pending publication PUBLICATION_ID; says what it did."""
    from phrom.publications.services import publish_results

    publication = Publication.objects.select_related("cycle").filter(pk=publication_id).first()
    if publication is None or publication.status == PublicationStatus.COMPLETE:
        return "nothing to do"
    publish_results(cycle=publication.cycle, by=publication.by, publication=publication)
    return f"{publication.cycle.code} v{publication.version}"
