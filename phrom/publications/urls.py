from django.urls import path

from phrom.publications import views

app_name = "publications"

urlpatterns = [
    path("<id:year>/", views.open_index, name="open_index"),
    path("<id:year>/log.json", views.open_log, name="open_log"),
    path("<id:year>/<str:name>", views.open_file, name="open_file"),
    path("<id:year>/v<id:version>/", views.open_version, name="open_version"),
    path("<id:year>/v<id:version>/<str:name>", views.open_file, name="open_file_version"),
]
