from django.urls import path

from phrom.publications import views

app_name = "publications"

urlpatterns = [
    path("<int:year>/log.json", views.open_log, name="open_log"),
    path("<int:year>/<str:name>", views.open_file, name="open_file"),
    path("<int:year>/v<int:version>/<str:name>", views.open_file, name="open_file_version"),
]
