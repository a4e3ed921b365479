from django.urls import path

from phrom.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:cycle>/", views.cycle_page, name="cycle"),
    path("<str:cycle>/jobs/", views.jobs, name="jobs"),
    path("<str:cycle>/<id:export_id>/download", views.download, name="download"),
]
