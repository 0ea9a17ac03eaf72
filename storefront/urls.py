from django.urls import path

from storefront import views

app_name = "storefront"

urlpatterns = [
    path("<str:code>", views.storefront_page, name="page"),
    path("<str:code>/go/<str:kind>/<int:item_id>", views.outbound, name="outbound"),
    path("<str:code>/a/<int:article_id>", views.article, name="article"),
]
