"""Responses and answers, to look at only.

Answers, evidence and a response's status change through the services, which version
them and write the history; an edit here would change totals and ranks without a trace.
Evidence and the history are not registered: the response pages show them.
"""

from django.contrib import admin

from phrom.core.admin import ReadOnlyAdmin
from phrom.responses.models import Answer, Response


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "agency", "status", "started_at", "submitted_at")
    list_filter = ("cycle", "status")
    list_select_related = ("cycle", "agency")
    search_fields = ("agency__code", "agency__name_th")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("response", "question", "value", "not_applicable", "version", "updated_at")
    list_select_related = ("response__cycle", "response__agency")
    search_fields = ("question", "response__agency__code")
