"""What reminders were sent, so that sending the due ones again sends nothing twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled, before the deadline")
    MANUAL = "manual", _("Sent by an administrator")


class Reminder(models.Model):
    """One reminder to one agency about one cycle's deadline.

    A scheduled reminder is sent once per step (days before the deadline) and deadline
    day: an extension (a new day) starts the steps again. An administrator's reminder is
    sent at most once a day to an agency.
    """

    cycle = models.ForeignKey("frameworks.Cycle", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"), null=True)
    deadline_day = models.DateField(_("deadline"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "agency", "deadline_day", "days_before"],
                condition=Q(kind="scheduled"),
                name="one_scheduled_reminder_per_step",
            ),
            models.UniqueConstraint(
                fields=["cycle", "agency", "sent_on"],
                condition=Q(kind="manual"),
                name="one_manual_reminder_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.agency_id} {self.kind} {self.days_before}"
