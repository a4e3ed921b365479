"""Award decisions, to look at only: they are recorded through the award page (by name,
append-only)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from phrom.awards.models import AwardDecision
from phrom.core.admin import ReadOnlyAdmin


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "version", "by_name", "at")
    list_filter = ("cycle",)
    exclude = ("publication",)
    readonly_fields = ("version",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (super().get_queryset(request).select_related("publication")
                .only("cycle_id", "by_id", "by_name", "at", "note", "winners",
                      "publication__version", "publication__cycle_id"))

    @admin.display(description=_("version"))
    def version(self, obj: AwardDecision) -> int:
        return obj.publication.version
