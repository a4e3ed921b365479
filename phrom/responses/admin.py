from django.contrib import admin

from phrom.responses.models import Answer, Response


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("cycle", "agency", "status", "started_at", "submitted_at")
    list_filter = ("cycle", "status")
    search_fields = ("agency__code", "agency__name_th")
    raw_id_fields = ("agency", "submitted_by")


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("response", "question", "value", "not_applicable", "version", "updated_at")
    search_fields = ("question", "response__agency__code")
    raw_id_fields = ("response", "updated_by")
