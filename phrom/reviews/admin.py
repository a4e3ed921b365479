"""Reviews, to look at only: they change through the services, which check each change
and write the responses' history."""

from django.contrib import admin

from phrom.core.admin import ReadOnlyAdmin
from phrom.reviews.models import PublishOverride, Review, ReviewAssignment, Verdict


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("response", "reviewer", "assigned_by", "at")
    list_select_related = ("response__cycle", "response__agency", "reviewer", "assigned_by")


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ("response", "question", "verdict", "has_verified_value", "version", "at")
    list_filter = ("verdict",)
    list_select_related = ("response__cycle", "response__agency")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("response", "status", "changed_at", "signed_off_at")
    list_filter = ("status",)
    list_select_related = ("response__cycle", "response__agency")


@admin.register(PublishOverride)
class PublishOverrideAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "unsigned", "by", "at")
