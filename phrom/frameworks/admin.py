from django.contrib import admin

from phrom.frameworks.models import Cycle, Framework


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "year_be", "source_name", "loaded_at")
    readonly_fields = ("sha256", "loaded_at")


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("code", "year_be", "framework", "previous", "status", "deadline")
    list_filter = ("status",)
