"""Customer-facing pages of this app (forms live on their own uncached pages, with CSRF)."""

from django.urls import path

from customers import views

app_name = "customers_public"

urlpatterns = [
    path("lead/<str:code>/", views.lead_page, name="lead"),
    path("lead/<str:code>/thanks/", views.lead_thanks, name="lead_thanks"),
    path("message/t/<str:token>/", views.message_thread_public, name="message_thread"),
    path("message/<str:code>/", views.message_page, name="message"),
]
