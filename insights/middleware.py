"""Answer storefront tracking requests early, like the cached page itself
(storefront/middleware.py): after the bank is known, before sessions, auth and CSRF."""

import re

from django.http import Http404, HttpResponseNotFound

from insights.views import track

TRACK_PATH = re.compile(r"^/s/([0-9A-Za-z]{4,16})/t$")


class TrackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = TRACK_PATH.match(request.path_info) if request.method == "POST" else None
        if match is None or getattr(request, "tenant", None) is None:
            return self.get_response(request)
        try:
            return track(request, match.group(1))
        except Http404:
            return HttpResponseNotFound()
