"""The "bare Django view" every case is compared with: production settings and Django's standard
middleware, but no bank lookup and no database: Django's own floor on this machine."""

from django.http import HttpResponse
from django.urls import path

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

ROOT_URLCONF = "benchmarks.bare"
MIDDLEWARE = [m for m in MIDDLEWARE if m.split(".")[0] not in ("config", "tenants", "org", "axes", "wagtail")]


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bare", bare)]
