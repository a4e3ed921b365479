"""Delete the files of old exports from storage; run it daily where no worker runs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from phrom.exports.services import exports_remove_old


class Command(BaseCommand):
    help = (
        "Delete from storage the file of every export finished more than "
        "PHROM_EXPORT_KEEP_DAYS days ago (30 by default), keeping its row as history. "
        "Waiting and running exports are left alone. Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = exports_remove_old()
        self.stdout.write(f"{count} old export file(s) removed "
                          f"(kept {settings.PHROM_EXPORT_KEEP_DAYS} days)")
