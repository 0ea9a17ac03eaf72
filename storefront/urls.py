from django.urls import path

from storefront import views

app_name = "storefront"

urlpatterns = [
    path("<str:code>", views.staff_card, name="staff_card"),
]
