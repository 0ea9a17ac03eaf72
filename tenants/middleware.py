"""Resolve the bank from the request's host, with the host → bank lookup cached in process.

A lookup per request costs a query (STACK-NOTES.md); banks and their domains change rarely, so a
short time-to-live bounds how stale a process can be after a bank or domain is removed.
"""

import time

from django.http import Http404
from django_tenants.middleware.main import TenantMainMiddleware

_TTL_SECONDS = 30
_cache: dict[str, tuple[float, object]] = {}


def bank_cache_clear() -> None:
    _cache.clear()


class BankMiddleware(TenantMainMiddleware):
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
