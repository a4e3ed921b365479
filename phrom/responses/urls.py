from django.urls import include, path

from phrom.responses import views

app_name = "responses"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:response_id>/", views.questionnaire_page, name="questionnaire"),
    path("<id:response_id>/submit/", views.submit_view, name="submit"),
    path("<id:response_id>/history/", views.history_view, name="history"),
    path("<id:response_id>/history.csv", views.history_csv, name="history_csv"),
    path(
        "<id:response_id>/answer/<str:question>/", views.answer_save_view, name="answer_save"
    ),
    path(
        "<id:response_id>/answer/<str:question>/carry-over/",
        views.carry_over_view,
        name="carry_over",
    ),
    path(
        "<id:response_id>/question/<str:question>/",
        views.question_fragment,
        name="question",
    ),
    path("<id:response_id>/<slug:dimension>/", views.questionnaire_page, name="dimension"),
]

# Evidence uploads, downloads and removals live in their own module.
urlpatterns.append(path("", include("phrom.responses.evidence_urls")))
