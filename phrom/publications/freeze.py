"""A published cycle is frozen: its answers, evidence and framework text never change.

Every service that writes them asks :func:`is_frozen` and refuses with
:func:`frozen_message` (in the reader's language); the Django admin changes none of them
(``phrom.core.admin.ReadOnlyAdmin``). A correction is a new version of the published
results (``phrom publish CYCLE --note ...``), never a changed answer.
"""

from __future__ import annotations

from django.utils.translation import gettext

from phrom.frameworks.models import Cycle, CycleStatus


def is_frozen(cycle: Cycle) -> bool:
    """Whether CYCLE is published (its status as loaded: callers read it under a lock)."""
    return bool(cycle.status == CycleStatus.PUBLISHED)


def frozen_message(cycle: Cycle) -> str:
    """Why nothing of CYCLE may change, and how a correction is made, in the reader's
    language."""
    return gettext(
        "Cycle %(code)s is published, so its answers, evidence and framework can no longer "
        "change. A correction is published as a new version of the results, with a note "
        "saying what changed, why and who approved it."
    ) % {"code": cycle.code}
