"""Verification of responses: who reviews which response, a verdict per answer, the
review's status, and the recorded reasons for publishing a cycle before every response
was signed off.

Rows change only through ``phrom.reviews.services``, which checks each change, versions
verdicts and writes the response's append-only history (``AnswerChange``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewAssignment(models.Model):
    """One reviewer assigned to one response; a response may have several (a second
    opinion), never a reviewer who belongs to the response's agency."""

    response = models.ForeignKey(
        "responses.Response", on_delete=models.CASCADE, related_name="review_assignments",
        verbose_name=_("response"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("assigned by"),
    )
    at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "reviewer"], name="one_assignment_per_reviewer_and_response"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.reviewer_id}"


class VerdictKind(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    PARTLY_VERIFIED = "partly_verified", _("Partly verified")
    NOT_SUPPORTED = "not_supported", _("Not supported")
    NEEDS_CLARIFICATION = "needs_clarification", _("Needs clarification")


class Verdict(models.Model):
    """A reviewer's verdict on one answer, with the value the evidence supports.

    ``verified_value`` (like ``Answer.value``) or ``verified_not_applicable`` is the value
    the verified scores use; when ``has_verified_value`` is false the claim stands.
    ``version`` grows by one on every accepted change; a save naming an older version is
    refused, as for answers.
    """

    response = models.ForeignKey(
        "responses.Response", on_delete=models.CASCADE, related_name="verdicts",
        verbose_name=_("response"),
    )
    question = models.CharField(_("question code"), max_length=64)
    verdict = models.CharField(_("verdict"), max_length=32, choices=VerdictKind.choices)
    comment = models.TextField(_("comment"), blank=True)
    has_verified_value = models.BooleanField(_("verified value set"), default=False)
    verified_value = models.JSONField(_("verified value"), null=True, blank=True)
    verified_not_applicable = models.BooleanField(_("verified as not applicable"), default=False)
    reason = models.TextField(_("reason for the verified value"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("verdict given by"),
    )
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_verdict_per_answer")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question} {self.get_verdict_display()}"


class ReviewStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_AGENCY = "awaiting_agency", _("Awaiting agency")
    COMPLETE = "complete", _("Complete")
    SIGNED_OFF = "signed_off", _("Signed off")


class Review(models.Model):
    """The review status of one response (absent means not started)."""

    response = models.OneToOneField(
        "responses.Response", on_delete=models.CASCADE, related_name="review",
        verbose_name=_("response"),
    )
    status = models.CharField(
        _("review status"), max_length=16, choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_STARTED,
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("changed by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("signed off by"),
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.response_id} {self.get_status_display()}"


class PublishOverride(models.Model):
    """An administrator's recorded reason for publishing a cycle before every response
    was signed off. Rows are only ever inserted."""

    cycle = models.ForeignKey(
        "frameworks.Cycle", on_delete=models.CASCADE, related_name="publish_overrides",
        verbose_name=_("cycle"),
    )
    reason = models.TextField(_("reason"))
    unsigned = models.PositiveIntegerField(_("responses not signed off"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication override")
        verbose_name_plural = _("publication overrides")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.at}"


class ClarificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered by the agency")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired unanswered")


class ClarificationRequest(models.Model):
    """A reviewer's question to the agency about some answers of a response.

    While it is open, the agency may add evidence to the named answers and explain each
    of them; nothing else of the submitted response changes. ``explanations`` maps a
    question code to the agency's latest explanation. With ``unanswered_not_supported``,
    a request still open after its deadline makes its answers "not supported"
    (``clarifications_expire``).
    """

    response = models.ForeignKey(
        "responses.Response", on_delete=models.CASCADE, related_name="clarifications"
    )
    questions = models.JSONField(_("question codes"))
    message = models.TextField(_("message"))
    deadline = models.DateField(_("deadline"))
    unanswered_not_supported = models.BooleanField(
        _("unanswered means not supported"), default=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ClarificationStatus.choices,
        default=ClarificationStatus.OPEN,
    )
    explanations = models.JSONField(_("explanations"), default=dict, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clarification request")
        verbose_name_plural = _("clarification requests")
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.response_id} {self.status} {','.join(self.questions or [])}"

    @property
    def is_open(self) -> bool:
        return self.status == ClarificationStatus.OPEN
