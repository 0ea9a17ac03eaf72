from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.customers, name="customers"),
    path("<int:visitor_id>/", views.customer_detail, name="customer"),
    path("<int:visitor_id>/tags/", views.customer_tag_add, name="customer_tag_add"),
    path("<int:visitor_id>/tags/<int:tag_id>/remove/", views.customer_tag_remove, name="customer_tag_remove"),
    path("tags/", views.my_tags, name="tags"),
    path("tags/<int:tag_id>/delete/", views.my_tag_delete, name="tag_delete"),
    path("tags/rules/<int:rule_id>/delete/", views.my_tag_rule_delete, name="tag_rule_delete"),
]
