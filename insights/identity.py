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


def visitor_cookie_unsign(raw: str | None) -> tuple[str, str] | None:
    """The visitor's (token, share code) from the raw cookie value, or None if absent or not ours."""
    if not raw:
        return None
    try:
        value = signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT).unsign(raw, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    token, _dot, share_code = value.partition(".")
    return (token, share_code) if token and share_code else None


def visitor_cookie_sign(token: str, share_code: str) -> str:
    """The signed cookie value. (Signed here rather than with `set_signed_cookie`, so the WSGI fast
    path and Django views read and write exactly the same thing.)"""
    return signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT).sign(f"{token}.{share_code}")


def visitor_cookie_read(request) -> tuple[str, str] | None:
    return visitor_cookie_unsign(request.COOKIES.get(COOKIE_NAME))


def visitor_token_read(request) -> str | None:
    identity = visitor_cookie_read(request)
    return identity[0] if identity else None


def visitor_cookie_set(response, token: str, share_code: str, *, secure: bool) -> None:
    response.set_cookie(
        COOKIE_NAME,
        visitor_cookie_sign(token, share_code),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def client_ip(meta) -> str:
    """The client's address from request.META (or a WSGI environ), trusting as many
    X-Forwarded-For hops as there are proxies in front of us."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies:
            return hops[-proxies]
    return meta.get("REMOTE_ADDR", "")


def ip_hash(meta) -> str:
    address = client_ip(meta)
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:16]
