"""The stable public link of a questionnaire: `/q/<share code>` (one code per questionnaire and staff)."""

from django.urls import path

from questionnaires import views

app_name = "questionnaires_public"

urlpatterns = [
    path("<str:code>", views.answer_page, name="answer"),
    path("<str:code>/qr.png", views.answer_qr, name="qr"),
]
