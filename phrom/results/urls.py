from django.urls import include, path

from phrom.reports.views import scorecard_pdf_view
from phrom.results import integrity_views, public_views, views

app_name = "results"
urlpatterns = [
    path("", public_views.published_index, name="index"),
    path("<str:cycle>/", views.cycle_results, name="cycle"),
    path("<str:cycle>/methodology/", public_views.methodology, name="methodology"),
    path("<str:cycle>/downloads/", public_views.downloads, name="downloads"),
    path("<str:cycle>/data-dictionary/", public_views.data_dictionary, name="data_dictionary"),
    path("<str:cycle>/awards/", include("phrom.awards.urls")),
    path("<str:cycle>/integrity/", integrity_views.cycle_integrity_page, name="integrity"),
    path("<str:cycle>/<str:agency>/", views.agency_scorecard, name="agency"),
    path("<str:cycle>/<str:agency>/scorecard.pdf", scorecard_pdf_view, name="scorecard_pdf"),
]
