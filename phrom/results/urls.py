from django.urls import path

from phrom.results import views

app_name = "results"
urlpatterns = [
    path("<str:cycle>/", views.cycle_results, name="cycle"),
    path("<str:cycle>/awards/", views.cycle_awards, name="awards"),
    path("<str:cycle>/<str:agency>/", views.agency_scorecard, name="agency"),
]
