"""Whole-response caching of public storefront pages.

A cache hit must touch no database at all (the host → bank lookup is cached in process), which is
what lets `/s/<code>` run near a bare Django view. An entry is keyed by bank (the cache key
function), code and language, and carries the bank's *content version*: anything that can change
what pages show (catalog, brand, templates, branches, staff) bumps the version, and entries built
for an older version are rebuilt. Publishing one page drops just that page's entries. The cache is
never needed for correctness: a miss renders from the database.
"""

import gzip
import re
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

VERSION_KEY = "storefront:content-version"
MAX_SECONDS = 600
# Each process remembers a bank's content version this long, saving a cache read on every hit;
# a change made in another process is therefore seen here within this time (in this one, at once).
VERSION_MEMO_SECONDS = 1.0
_version_memo: dict[str, tuple[float, str]] = {}


def content_version() -> str:
    schema = connection.schema_name
    now = time.monotonic()
    memo = _version_memo.get(schema)
    if memo and memo[0] > now:
        return memo[1]
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(4)
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    _version_memo[schema] = (now + VERSION_MEMO_SECONDS, version)
    return version


def content_changed(**kwargs) -> None:
    """Every page of the current bank is stale (a signal receiver, hence **kwargs)."""
    version = secrets.token_hex(4)
    cache.set(VERSION_KEY, version, None)
    _version_memo[connection.schema_name] = (time.monotonic() + VERSION_MEMO_SECONDS, version)


def _key(code: str, language: str) -> str:
    # Codes resolve case-insensitively (they are typed off posters): one entry per page, so that
    # `page_forget` drops every spelling a visitor may have used.
    return f"storefront:page:v2:{code.lower()}:{language}"  # v2: (version, html, gzipped html)


def page_get(code: str, language: str) -> tuple[bytes, bytes] | None:
    """The cached page as (html, gzipped html), or None."""
    entry = cache.get(_key(code, language))
    if entry is None or entry[0] != content_version():
        return None
    return entry[1], entry[2]


_BLANK_LINES = re.compile(rb"\n\s*\n")


def page_set(code: str, language: str, version: str, content: bytes, seconds: int) -> tuple[bytes, bytes]:
    """Store the page, squeezed and compressed once here rather than on every request."""
    content = _BLANK_LINES.sub(b"\n", content)
    compressed = gzip.compress(content, compresslevel=9, mtime=0)
    cache.set(_key(code, language), (version, content, compressed), max(1, min(seconds, MAX_SECONDS)))
    return content, compressed


def page_forget(code: str) -> None:
    cache.delete_many([_key(code, language) for language, _name in settings.LANGUAGES])
