import os

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from phrom.core import bench_views
from phrom.core import views as core_views
from phrom.core.ids import IdConverter

# <id:name>: ASCII digits within 64 bits, before the apps' patterns are read.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("text-size", core_views.set_text_size, name="text_size"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("phrom.accounts.urls")),
    path("agencies/", include("phrom.agencies.urls")),
    path("responses/", include("phrom.responses.urls")),
    path("cycles/", include("phrom.frameworks.urls")),
    path("results/", include("phrom.results.urls")),
    path("reviews/", include("phrom.reviews.urls")),
    path("open-data/", include("phrom.publications.urls")),
    path("exports/", include("phrom.exports.urls")),
    path("dashboard/", include("phrom.dashboard.urls")),
    path("admin/", admin.site.urls),
]

handler404 = core_views.page_not_found
handler403 = core_views.permission_denied

if os.environ.get("PHROM_BENCH_VIEWS") == "true":
    urlpatterns.append(path("bench/minimal", bench_views.minimal))
