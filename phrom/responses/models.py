"""One response per agency and cycle, its answers and their append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class Response(models.Model):
    cycle = models.ForeignKey(
        "frameworks.Cycle", on_delete=models.CASCADE, related_name="responses",
        verbose_name=_("cycle"),
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="responses",
        verbose_name=_("agency"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.NOT_STARTED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agency"], name="one_response_per_agency_and_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.code} {self.agency.code}"


class Answer(models.Model):
    """The current value of one question in one response.

    ``version`` grows by one on every accepted change; a save that names an older version
    is refused, so two colleagues never overwrite each other silently.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.CharField(_("question code"), max_length=64)
    value = models.JSONField(_("value"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question}"


class ChangeKind(models.TextChoices):
    ANSWER = "answer", _("Answer changed")
    CARRIED_OVER = "carried_over", _("Carried over from last cycle")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened")
    DEADLINE_CHANGED = "deadline_changed", _("Deadline changed")
    IMPORTED = "imported", _("Imported from a file")
    # Review events (phrom.reviews): assignment, verdicts, review status and sign-off.
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Reviewer assigned")
    VERDICT = "verdict", _("Verdict given")
    REVIEW_STATUS = "review_status", _("Review status changed")
    SIGNED_OFF = "signed_off", _("Review signed off")


# Reviewers' actions: the agency's own people see them once the cycle is published.
REVIEW_KINDS = frozenset({
    ChangeKind.REVIEWER_ASSIGNED, ChangeKind.VERDICT, ChangeKind.REVIEW_STATUS,
    ChangeKind.SIGNED_OFF,
})


class AnswerChange(models.Model):
    """Append-only history of a response: who changed what, when, from what to what.

    Rows are only ever inserted; ``save`` refuses to update one.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="history")
    question = models.CharField(_("question code"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ChangeKind.choices)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.response_id} {self.kind} {self.question}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("history is append-only; add a new change instead")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never trusted as a path.
    import uuid

    return f"evidence/{instance.response.cycle_id}/{instance.response_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file or URL that supports one answer. Removal is a mark, the history keeps it."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="evidence")
    question = models.CharField(_("question code"), max_length=64)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=255)
    url = models.URLField(_("URL"), blank=True, max_length=1000)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set only when the person carried last cycle's evidence over (answer_carry_over): the
    # item it was copied from, so the page can say "from B.E. 2563".
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("carried over from"),
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["response", "question"])]

    def __str__(self) -> str:
        return self.original_name or self.url

    @property
    def reused_from_year_be(self) -> int | None:
        """The year (B.E.) of the cycle this item was carried over from, or None.

        Read with ``select_related("carried_from__response__cycle")`` to spare a query each.
        """
        if self.carried_from_id is None or self.carried_from is None:
            return None
        return int(self.carried_from.response.cycle.year_be)

