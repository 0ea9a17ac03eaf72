from django.urls import path

from storefront.views import public

app_name = "storefront"

urlpatterns = [
    path("<str:code>", public.storefront_page, name="page"),
    path("<str:code>/go/<str:kind>/<int:item_id>", public.outbound, name="outbound"),
    path("<str:code>/a/<int:article_id>", public.article, name="article"),
]
