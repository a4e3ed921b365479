from django.urls import path

from phrom.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.assign, name="assign"),
    path("publish/<str:code>/", views.publish, name="publish"),
    path("<id:response_id>/", views.review, name="review"),
    path("evidence/<id:evidence_id>/preview", views.evidence_preview, name="evidence_preview"),
    path("<id:response_id>/scores/", views.scores, name="scores"),
    path("<id:response_id>/status", views.status, name="status"),
    path("<id:response_id>/questions/<str:question>/verdict", views.verdict, name="verdict"),
]
