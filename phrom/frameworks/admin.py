"""Frameworks and cycles, to look at only.

A framework's text changes through ``phrom framework load``, which refuses cycles whose
answers are final; a cycle's status and deadline through the cycle pages, which check
each step. Editing either here would change totals and ranks without a trace.
"""

from django.contrib import admin

from phrom.core.admin import ReadOnlyAdmin
from phrom.frameworks.models import Cycle, Framework


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "year_be", "source_name", "loaded_at")


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("code", "year_be", "framework", "previous", "status", "deadline")
    list_filter = ("status",)
    list_select_related = ("framework", "previous")
