from django.urls import path

from storefront.views import public, qr

app_name = "storefront"

urlpatterns = [
    path("<str:code>", public.storefront_page, name="page"),
    path("<str:code>/go/<str:kind>/<int:item_id>", public.outbound, name="outbound"),
    path("<str:code>/a/<int:article_id>", public.article, name="article"),
    path("<str:code>/qr.png", qr.qr_code, {"fmt": "png"}, name="qr_png"),
    path("<str:code>/qr.svg", qr.qr_code, {"fmt": "svg"}, name="qr_svg"),
    path("<str:code>/poster.png", qr.poster, name="poster"),
]
