"""Frozen publications of a cycle's results: every published figure stored once, per version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phrom.frameworks.models import Cycle


class PublicationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    COMPLETE = "complete", _("complete")
    FAILED = "failed", _("failed")


class Publication(models.Model):
    """One version of a cycle's published results, never changed once complete.

    ``rows`` are the RESULTS rows (``CycleResult.to_rows``) with each agency's indicator
    scores and, where review exists, its claimed total; ``awards`` is the AWARDS.json
    payload; ``results_csv`` the RESULTS.csv text; ``answers_csv`` the answers scored (verified
    values where reviewers set one) in the ANSWERS.csv format; ``framework_text`` the framework the
    figures were computed from; ``pages`` what else the results pages show (names, awards
    with their reasons, the previous cycle's figures: ``phrom.publications.stored``), all
    plain JSON, and each agency's explanation is a :class:`PublishedAgency` row.
    A correction is a new version whose ``note`` says what changed, why and who approved.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=PublicationStatus.choices,
                              default=PublicationStatus.PENDING)
    note = models.TextField(_("correction note"), blank=True)
    error = models.TextField(blank=True)
    framework_sha256 = models.CharField(max_length=64, blank=True)
    framework_text = models.TextField(blank=True)
    phrom_version = models.CharField(max_length=64, blank=True)
    rows = models.JSONField(default=list)
    awards = models.JSONField(default=dict)
    results_csv = models.TextField(blank=True)
    answers_csv = models.TextField(blank=True)
    pages = models.JSONField(null=True, editable=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["cycle", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="publication_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.code} v{self.version}"


class PublishedAgency(models.Model):
    """One agency's explanation of its published total (every step, down to each answer's
    points), as its scorecard page shows it: stored once per agency and version, so that
    a page reads one agency without the others."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE,
                                    related_name="agencies")
    agency = models.CharField(max_length=64)
    explanation = models.JSONField()

    class Meta:
        verbose_name = _("published agency")
        verbose_name_plural = _("published agencies")
        constraints = [
            models.UniqueConstraint(fields=["publication", "agency"],
                                    name="published_agency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.agency}"
