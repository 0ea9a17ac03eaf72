from django.urls import path

from appointments.views import public

app_name = "appointments_public"

urlpatterns = [
    path("book/<str:code>/", public.book, name="book"),
    path("booking/<str:token>/", public.booking_detail, name="booking"),
    path("booking/<str:token>/cancel/", public.booking_cancel_view, name="cancel"),
    path("booking/<str:token>/reschedule/", public.booking_reschedule_view, name="reschedule"),
    path("booking/<str:token>/booking.ics", public.booking_calendar, name="calendar"),
]
