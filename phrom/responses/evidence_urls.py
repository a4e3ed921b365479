"""Evidence URLs, included by ``phrom.responses.urls`` into the ``responses`` namespace."""

from django.urls import path

from phrom.responses import evidence_views

urlpatterns = [
    path(
        "<id:response_id>/questions/<str:question>/evidence/",
        evidence_views.evidence_widget,
        name="evidence_widget",
    ),
    path(
        "<id:response_id>/questions/<str:question>/evidence/upload",
        evidence_views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "<id:response_id>/questions/<str:question>/evidence/url",
        evidence_views.evidence_add_url,
        name="evidence_add_url",
    ),
    path(
        "evidence/<id:evidence_id>/download",
        evidence_views.evidence_download,
        name="evidence_download",
    ),
    path(
        "evidence/<id:evidence_id>/remove",
        evidence_views.evidence_remove,
        name="evidence_remove",
    ),
]
