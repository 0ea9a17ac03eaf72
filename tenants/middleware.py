"""Resolve the bank from the request's host, with the host → bank lookup cached in process.

A lookup per request costs a query (STACK-NOTES.md); banks and their domains change rarely, so a
short time-to-live bounds how stale a process can be after a bank or domain is removed.
"""

import time

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import Http404
from django_tenants.middleware.main import TenantMainMiddleware

_TTL_SECONDS = 30
_cache: dict[str, tuple[float, object]] = {}


def bank_cache_clear() -> None:
    _cache.clear()


def bank_for_host_cached(hostname: str):
    """The bank at `hostname` if this process resolved it recently, else None (no query)."""
    hit = _cache.get(hostname)
    if hit and hit[0] > time.monotonic() and hit[1].kind == hit[1].Kind.BANK:
        return hit[1]
    return None


class BankMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        # The connection (persistent, per worker thread) still points at this bank from the previous
        # request: keep it, rather than resetting it and paying a `SET search_path` round trip.
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return super().process_request(request)
        hit = _cache.get(hostname)
        if (
            hit
            and hit[0] > time.monotonic()
            and connection.schema_name == hit[1].schema_name
            and connection.search_path_set_schemas
        ):
            request.tenant = hit[1]
            self.setup_url_routing(request)
            return None
        return super().process_request(request)

    def get_tenant(self, domain_model, hostname):
        now = time.monotonic()
        hit = _cache.get(hostname)
        if hit and hit[0] > now:
            return hit[1]
        tenant = super().get_tenant(domain_model, hostname)
        if tenant.kind not in (tenant.Kind.BANK, tenant.Kind.PLATFORM):
            raise domain_model.DoesNotExist
        _cache[hostname] = (now + _TTL_SECONDS, tenant)
        return tenant

    def no_tenant_found(self, request, hostname):
        raise Http404("No bank is reached at this address.")
