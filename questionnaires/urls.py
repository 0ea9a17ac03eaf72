from django.urls import path

from questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path("questionnaires/", views.questionnaire_list, name="list"),
    path("questionnaires/<int:questionnaire_id>/", views.questionnaire_detail, name="detail"),
    path("questionnaires/<int:questionnaire_id>/settings/", views.questionnaire_settings, name="settings"),
    path("questionnaires/<int:questionnaire_id>/questions/", views.question_add, name="question_add"),
    path(
        "questionnaires/<int:questionnaire_id>/questions/<int:question_id>/<str:action>/",
        views.question_change,
        name="question_change",
    ),
    path("questionnaires/<int:questionnaire_id>/results/", views.questionnaire_results, name="results"),
    path("questionnaires/<int:questionnaire_id>/export.<str:fmt>", views.questionnaire_export, name="export"),
    # after "results/": publish/ and close/
    path("questionnaires/<int:questionnaire_id>/<str:action>/", views.questionnaire_status, name="status"),
]
