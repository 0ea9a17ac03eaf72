"""The stable public links of campaigns: `/c/<link code>` (one code per campaign and staff member),
and what the storefront page asks for one visitor (`/c/page/<staff code>`; "page" is never a link
code, which are ten characters long)."""

from django.urls import path

from campaigns.views import public

app_name = "campaigns_public"

urlpatterns = [
    path("page/<str:staff_code>", public.page_placements, name="page_placements"),
    path("<str:code>", public.landing, name="landing"),
    path("<str:code>/go", public.go, name="go"),
    path("<str:code>/claim", public.claim, name="claim"),
    path("<str:code>/qr.png", public.link_qr, name="qr"),
]
