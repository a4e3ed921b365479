"""Send the reminders due today; run it daily (cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phrom.notifications.services import REMINDER_DAYS, reminders_send_due


def _days(text: str) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise CommandError(
            f"--days {text!r}: give whole numbers of days separated by commas, e.g. 14,7,3,1"
        ) from None
    if not days or any(d < 0 or d > 365 for d in days):
        raise CommandError(f"--days {text!r}: give days from 0 to 365, e.g. 14,7,3,1")
    return days


class Command(BaseCommand):
    help = (
        "Queue a reminder for every agency that has not submitted and whose deadline is one "
        "of --days away; running it again the same day sends nothing twice. The task worker "
        "(phrom worker) sends the e-mails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", default=",".join(str(d) for d in REMINDER_DAYS),
            help="days before the deadline to remind on (default: %(default)s)",
        )
        parser.add_argument(
            "--site-url", default="",
            help="the site's address for links in the e-mails, e.g. https://phrom.example.go.th",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send_due(steps=_days(options["days"]), site_url=options["site_url"])
        self.stdout.write(f"{sent} reminder(s) queued")
