"""Award decisions: a named administrator confirms the awards of one publication version.

The history is append-only: a decision is never changed or removed, a correction of the
results (a new publication version) is confirmed by a decision of its own. Each decision
keeps the winners it confirmed, so that it still says what was decided when read on its
own.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "award decisions are append-only; record a new decision instead"


class AwardDecisionQuerySet(models.QuerySet["AwardDecision"]):
    """Refuses changes and deletions in bulk, as the model refuses them one by one."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ValueError(APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise ValueError(APPEND_ONLY)


class AwardDecision(models.Model):
    """The awards of ``publication`` (one version of ``cycle``'s results) confirmed by
    ``by`` (named as they were called then: ``by_name``) at ``at``, with a ``note`` (the
    basis: a committee's meeting, an order). ``winners``: what was confirmed, one item per
    award result: ``{"award", "name": {"th", "en"}, "group", "dimension", "winners":
    [{"agency", "place"}]}``."""

    cycle = models.ForeignKey(
        "frameworks.Cycle", on_delete=models.PROTECT, related_name="award_decisions",
        verbose_name=_("cycle"),
    )
    publication = models.ForeignKey(
        "publications.Publication", on_delete=models.PROTECT, related_name="award_decisions",
        verbose_name=_("publication"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("confirmed by (account)"),
    )
    by_name = models.CharField(_("confirmed by"), max_length=300)
    at = models.DateTimeField(_("confirmed at"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"))
    winners = models.JSONField(_("winners"), default=list)

    objects = AwardDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["publication"], name="awards_confirmed_once_per_version"),
        ]

    def __str__(self) -> str:
        return gettext("award decision %(number)s by %(name)s") % {
            "number": self.pk,
            "name": self.by_name,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError(APPEND_ONLY)
