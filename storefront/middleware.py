"""Serve cached storefront pages before the rest of the middleware stack.

A customer's GET of `/s/<code>` is the hottest path there is (every scan of a poster). When the
page is in the cache, nothing below this middleware can change the answer: no session, no user, no
CSRF token, no database. So it answers here, after the bank is known (cache keys are per bank) and
after the security headers' middleware (which still applies to this response). A miss goes on to
the view, which renders and fills the cache.
"""

import re

from django.utils import translation
from django.utils.cache import patch_vary_headers

from storefront import cache as page_cache
from storefront.views.public import page_response

PAGE_PATH = re.compile(r"^/s/([0-9A-Za-z]{4,16})$")


class StorefrontCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PAGE_PATH.match(request.path_info) if request.method == "GET" else None
        if match is None or getattr(request, "tenant", None) is None:
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        cached = page_cache.page_get(match.group(1), language)
        if cached is None:
            return self.get_response(request)
        response = page_response(request, *cached)
        # What LocaleMiddleware would have added.
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
