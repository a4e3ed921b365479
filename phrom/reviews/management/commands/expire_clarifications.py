"""Expire the clarification requests left unanswered past their deadline; run it daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from phrom.reviews.clarifications import clarifications_expire


class Command(BaseCommand):
    help = (
        "Make the answers of every clarification request still open after its deadline "
        "(and set to do so) \"not supported\", and mark the request expired. Running it "
        "again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = clarifications_expire()
        self.stdout.write(f"{count} clarification request(s) expired")
