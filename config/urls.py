"""URLs of a bank's host (<slug>.<BASE_DOMAIN>). Wagtail's catch-all stays last."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from insights import views as insights_views
from org import views as org_views

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", org_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", org_views.password_change, name="password_change"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("workspace/page/", include("storefront.builder_urls")),
    path("workspace/customers/", include("insights.urls")),
    path("workspace/stats/", include("insights.stats_urls")),
    path("workspace/", include("customers.urls")),
    path("workspace/", include("appointments.urls")),
    path("workspace/", include("questionnaires.urls")),
    path("workspace/", include("campaigns.urls")),
    path("p/", include("customers.public_urls")),
    path("p/", include("appointments.public_urls")),
    path("q/", include("questionnaires.public_urls")),
    path("c/", include("campaigns.public_urls")),
    path("c/", include("campaigns.assist.public_urls")),
    path("s/<str:code>/t/share", insights_views.track_share, name="track_share"),
    path("workspace/", include("org.urls")),
    path("s/", include("storefront.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "storefront.views.public.not_found"
