"""Customer-facing pages of this app (forms live on their own uncached pages, with CSRF)."""

from django.urls import path  # noqa: F401

app_name = "customers_public"

urlpatterns: list = []
