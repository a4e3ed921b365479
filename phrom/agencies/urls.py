from django.urls import path

from phrom.agencies import views

app_name = "agencies"
urlpatterns = [
    path("suggestions/", views.suggestions, name="suggestions"),
]
