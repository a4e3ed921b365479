"""The award pages, under /results/<cycle>/awards/ (included by phrom.results.urls, so
that their names stay in the ``results`` namespace: ``results:awards``...)."""

from django.urls import path

from phrom.awards import views

urlpatterns = [
    path("", views.cycle_awards, name="awards"),
    path("decide/", views.decide, name="awards_decide"),
    path("what-if/", views.preview, name="awards_what_if"),
    path("<str:agency>/certificate.pdf", views.certificate, name="award_certificate"),
]
