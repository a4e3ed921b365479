"""Exports of a cycle for administrators: Excel workbooks (results, answers, evidence
lists, reviews) and every scorecard as one ZIP archive, each written by the task worker
(``phrom worker``) into a file kept in Django's storage."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phrom.frameworks.models import Cycle

STALLED_AFTER = dt.timedelta(minutes=10)
"""A running export without progress for this long has likely lost its worker."""


class ExportKind(models.TextChoices):
    RESULTS = "results", _("Results")
    ANSWERS = "answers", pgettext_lazy("export", "Answers")
    EVIDENCE = "evidence", _("Evidence list")
    REVIEWS = "reviews", _("Reviews")
    SCORECARDS = "scorecards", _("Every scorecard (PDF)")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the worker")
    RUNNING = "running", _("Being written")
    COMPLETE = "complete", _("Ready")
    FAILED = "failed", _("Failed")


def export_path(instance: Export, filename: str) -> str:
    # A random name in storage; the name offered for download is kept in the row.
    suffix = ".zip" if instance.kind == ExportKind.SCORECARDS else ".xlsx"
    return f"exports/{instance.cycle_id}/{uuid.uuid4().hex}{suffix}"


class Export(models.Model):
    """One export asked for by an administrator. Asking again makes a new row.

    ``done`` of ``total`` is the progress (rows written, or scorecards made);
    ``publication_version`` is the published version whose stored figures the file
    holds (None: current scores of a cycle not yet published, or no figures at all);
    ``error`` says in plain words why a failed export stopped, ``problems`` what a
    complete one could not include (a scorecard that could not be made);
    ``removed_at`` is when its file was deleted from storage, PHROM_EXPORT_KEEP_DAYS days
    after it finished (``file`` is then empty and the row kept as history).
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("kind"), max_length=16, choices=ExportKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING)
    language = models.CharField(max_length=8, default="th")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    publication_version = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=export_path, blank=True, max_length=255)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    problems = models.TextField(blank=True)
    removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["cycle", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.kind} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    @property
    def stalled(self) -> bool:
        """Running without progress for STALLED_AFTER: its worker has likely stopped."""
        from django.utils import timezone

        return (self.status == ExportStatus.RUNNING and self.updated_at is not None
                and timezone.now() - self.updated_at > STALLED_AFTER)

    @property
    def kept_days(self) -> int | None:
        """Whole days between finishing and the removal of its file (None: not removed)."""
        if self.removed_at is None or self.finished_at is None:
            return None
        return max(0, (self.removed_at - self.finished_at).days)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == ExportStatus.COMPLETE else 0
        return min(100, int(100 * self.done / self.total))
