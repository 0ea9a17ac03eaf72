"""The visitor cookie and the network-address fingerprint.

The cookie is first-party, signed (Django's signing with its own salt) and long-lived; a tampered
or foreign value is simply ignored, as if there were none. No raw IP is ever stored: a keyed,
truncated hash is enough to spot abuse from one network.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing

COOKIE_NAME = "yd_v"
COOKIE_SALT = "insights.visitor"
COOKIE_MAX_AGE = 60 * 60 * 24 * 730  # two years


def visitor_token_read(request) -> str | None:
    try:
        return request.get_signed_cookie(COOKIE_NAME, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None


def visitor_cookie_set(response, token: str, *, secure: bool) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def client_ip(request) -> str:
    """The client's address, trusting as many X-Forwarded-For hops as there are proxies."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def ip_hash(request) -> str:
    address = client_ip(request)
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:16]
