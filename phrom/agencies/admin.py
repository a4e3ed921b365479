from django.contrib import admin

from phrom.agencies.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "kind", "ministry", "group", "active")
    list_filter = ("kind", "group", "active")
    search_fields = ("code", "name_th", "name_en")
    raw_id_fields = ("ministry",)
    list_select_related = ("ministry",)  # a department's ministry in the same query
