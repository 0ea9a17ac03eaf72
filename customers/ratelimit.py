"""Per-visitor and per-network limits on public forms: counters in the shared cache.

Fixed one-hour windows, counted with `cache.add` + `cache.incr` (atomic on Redis, shared by every
process). The cache is never needed for correctness: if it fails, nothing is limited.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from insights.identity import ip_hash, visitor_token_read

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 3600


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    return cache.incr(key)


def rate_limit_exceeded(
    *, request, action: str, per_visitor: int | None = None, per_network: int | None = None
) -> bool:
    """Count this request against the visitor's and the network's hourly limits for `action`;
    True once either is over. Without a visitor cookie only the network counts. The limits default
    to the lead form's settings; other public forms (appointments) pass their own."""
    per_visitor = settings.LEAD_SUBMITS_PER_VISITOR_HOUR if per_visitor is None else per_visitor
    per_network = settings.LEAD_SUBMITS_PER_NETWORK_HOUR if per_network is None else per_network
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    limits = []
    token = visitor_token_read(request)
    if token:
        limits.append((f"rl:{action}:v:{token}:{window}", per_visitor))
    network = ip_hash(request.META)
    if network:
        limits.append((f"rl:{action}:n:{network}:{window}", per_network))
    try:
        return any(_count(key) > limit for key, limit in limits)
    except Exception:
        logger.exception("rate limit counter unavailable")
        return False
