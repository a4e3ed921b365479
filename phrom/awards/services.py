"""Writes of the awards app: recording who confirmed a cycle's awards."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from phrom.accounts.gates import may_decide_awards, profile_of
from phrom.awards.errors import DecisionRefused
from phrom.awards.models import AwardDecision
from phrom.core.thai import format_datetime
from phrom.frameworks.models import Cycle, CycleStatus

NOTE_MAX = 4000


def award_decision_record(*, cycle: Cycle, by: Any, version: int | None, note: str) -> AwardDecision:
    """Record that BY confirms the awards of CYCLE's current publication, VERSION (the
    version the person was shown), with NOTE (the basis of the decision).

    Only administrators (``may_decide_awards``; others get ``PermissionDenied``). Refused
    with ``DecisionRefused``, saying why: the cycle is not published or its publication is
    not stored yet; VERSION is not the current one (a correction was published meanwhile);
    that version was confirmed already; the note is empty or too long.
    """
    from phrom.publications.selectors import current_publication
    from phrom.results.selectors import scored_cycle

    if not may_decide_awards(profile_of(by)):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise DecisionRefused(gettext(
            "Say on what the decision rests (a committee meeting, an order): the note is "
            "kept with the decision."))
    if len(note) > NOTE_MAX:
        raise DecisionRefused(gettext("The note is too long: at most %(n)s characters.")
                              % {"n": NOTE_MAX})
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status != CycleStatus.PUBLISHED:
            raise DecisionRefused(gettext(
                "The awards of cycle %(code)s cannot be confirmed yet: its results are not "
                "published. Awards are confirmed on the published (frozen) results; use the "
                "what-if preview until then.") % {"code": locked.code})
        publication = current_publication(cycle=locked)
        if publication is None:
            raise DecisionRefused(gettext(
                "The results of cycle %(code)s are not stored yet (publishing is still "
                "running, or it failed): confirm the awards once they are.")
                % {"code": locked.code})
        if version != publication.version:
            raise DecisionRefused(gettext(
                "The page you confirmed from showed version %(seen)s of the results, but the "
                "current version is %(current)s. Look at the awards of version %(current)s, "
                "then confirm them.")
                % {"seen": version if version is not None else "?",
                   "current": publication.version})
        earlier = (AwardDecision.objects.filter(publication=publication)
                   .only("by_name", "at").first())
        if earlier is not None:
            raise DecisionRefused(gettext(
                "The awards of version %(version)s were confirmed already, by %(name)s "
                "(%(when)s). A decision is never changed; a correction of the results is "
                "confirmed as a new version.")
                % {"version": publication.version, "name": earlier.by_name,
                   "when": format_datetime(earlier.at)})
        from phrom.awards.selectors import winners_of

        return AwardDecision.objects.create(
            cycle=locked, publication=publication, by=by,
            by_name=by.get_full_name() or by.get_username(), note=note,
            winners=winners_of(scored=scored_cycle(cycle=locked)),
        )
