"""Customers' personal information: encrypted at rest, looked up by keyed hash, shown masked.

Names and mobile numbers are stored as Fernet tokens (`cryptography`), keyed by `PII_KEY`. A keyed
HMAC of the normalised mobile number (`PII_HASH_KEY`) lets us find and de-duplicate by phone without
decrypting anything. Showing a number unmasked is the caller's decision, and must be audited
(`org.services.staff.audit_record`).
"""

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MOBILE_INVALID = _("Enter an 11-digit mainland mobile number.")


def _key_bytes(setting: str, purpose: str) -> bytes:
    configured = getattr(settings, setting, "")
    if configured:
        return configured.encode()
    # Development and tests: derived from SECRET_KEY (production settings require real keys).
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _fernet() -> Fernet:
    key = _key_bytes("PII_KEY", "pii-encryption")
    if len(key) == 32:
        key = base64.urlsafe_b64encode(key)
    return Fernet(key)


def mobile_normalise(value: str) -> str:
    """Digits only, without a +86/0086 prefix; may still be invalid (see `mobile_is_valid`)."""
    raw = (value or "").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") and not digits.startswith("86"):
        return "+" + digits  # another country's number ("+1 415 555 0100"): never a mainland one
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits


def mobile_is_valid(value: str) -> bool:
    return bool(MOBILE_RE.match(value))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return ""


def phone_hash(mobile: str) -> str:
    key = _key_bytes("PII_HASH_KEY", "pii-lookup")
    return hmac.new(key, mobile_normalise(mobile).encode(), hashlib.sha256).hexdigest()


def mobile_mask(mobile: str) -> str:
    """138****1234"""
    mobile = mobile_normalise(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "****"


def name_mask(name: str) -> str:
    """张** / 欧阳** : the family name only."""
    return f"{name[:1]}**" if name else ""
