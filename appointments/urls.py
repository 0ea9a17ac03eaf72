from django.urls import path

from appointments.views import workspace

app_name = "appointments"

urlpatterns = [
    path("appointments/", workspace.booking_list_view, name="list"),
    path("appointments/<int:booking_id>/status/", workspace.booking_status_view, name="status"),
    path("appointments/<int:booking_id>/reveal/", workspace.booking_reveal_view, name="reveal"),
]
