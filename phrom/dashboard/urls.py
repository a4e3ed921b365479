from django.urls import path

from phrom.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.national_dashboard, name="national"),
]
