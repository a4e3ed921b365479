from django.urls import path

from phrom.reviews import audit_views, clarification_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.assign, name="assign"),
    path("publish/<str:code>/", views.publish, name="publish"),
    path("audit/<str:code>/", audit_views.audit, name="audit"),
    path("<id:response_id>/", views.review, name="review"),
    path("evidence/<id:evidence_id>/preview", views.evidence_preview, name="evidence_preview"),
    path("<id:response_id>/scores/", views.scores, name="scores"),
    path("<id:response_id>/status", views.status, name="status"),
    path("<id:response_id>/questions/<str:question>/verdict", views.verdict, name="verdict"),
    path("<id:response_id>/clarify/", clarification_views.clarify, name="clarify"),
    path("clarifications/<id:id>/", clarification_views.clarification,
         name="clarification"),
    path("clarifications/<id:id>/close", clarification_views.clarification_close,
         name="clarification_close"),
]
