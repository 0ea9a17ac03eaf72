from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("leads/", views.leads, name="leads"),
    path("leads/export.<str:fmt>", views.leads_export, name="leads_export"),
    path("leads/notifications/read/", views.notifications_read, name="notifications_read"),
    path("leads/<int:lead_id>/", views.lead_detail, name="lead"),
    path("leads/<int:lead_id>/reveal/", views.lead_reveal, name="lead_reveal"),
    path("leads/<int:lead_id>/status/", views.lead_status, name="lead_status"),
    path("leads/<int:lead_id>/notes/", views.lead_note, name="lead_note"),
    path("leads/<int:lead_id>/follow-up/", views.lead_follow_up, name="lead_follow_up"),
    path("messages/", views.message_threads, name="messages"),
    path("messages/notifications/read/", views.message_notifications_read, name="message_notifications_read"),
    path("messages/<int:thread_id>/", views.message_thread, name="message"),
    path("messages/<int:thread_id>/reply/", views.message_reply, name="message_reply"),
]
