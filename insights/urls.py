from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.customers, name="customers"),
    path("<int:visitor_id>/", views.customer_detail, name="customer"),
]
