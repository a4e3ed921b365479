from django.urls import path

from phrom.frameworks import views

app_name = "cycles"
urlpatterns = [
    path("", views.cycles, name="list"),
    path("<str:code>/", views.progress, name="progress"),
    path("<str:code>/status/", views.set_status, name="set_status"),
    path("<str:code>/deadline/", views.set_deadline, name="set_deadline"),
    path("<str:code>/reopen/", views.reopen, name="reopen"),
    path("<str:code>/extend/", views.extend, name="extend"),
    path("<str:code>/remind/", views.remind, name="remind"),
]
