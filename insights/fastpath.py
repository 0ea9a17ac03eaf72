"""The storefront's tracking request, answered in front of Django.

`POST /s/<code>/t` is made by every view of every storefront page: it is the busiest request
there is, and needs nothing of Django's request handling (no session, user, CSRF, template, URL
routing). This WSGI wrapper answers it directly for banks whose host Django has already resolved
(the same in-process host → bank map `tenants.middleware` keeps); anything else goes to Django,
whose `insights.middleware.TrackMiddleware` gives the same answer the slower way.
"""

import json
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from django.conf import settings

from insights.identity import COOKIE_MAX_AGE, COOKIE_NAME, visitor_cookie_sign, visitor_cookie_unsign
from tenants.middleware import bank_for_host_cached

TRACK_PATH = re.compile(r"^/s/([0-9A-Za-z]{4,16})/t$")


def _scheme(environ) -> str:
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header and environ.get(header[0]) == header[1]:
        return "https"
    return environ.get("wsgi.url_scheme", "http")


class TrackingFastPath:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        match = TRACK_PATH.match(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        if match is None:
            return self.application(environ, start_response)
        host = environ.get("HTTP_HOST", "")
        bank = bank_for_host_cached(host.split(":")[0].lower())
        if bank is None:
            return self.application(environ, start_response)
        return self._track(environ, start_response, bank, host, match.group(1))

    def _track(self, environ, start_response, bank, host, code):
        from insights.services import hit_write

        origin = environ.get("HTTP_ORIGIN")
        if origin and origin.split("://", 1)[-1] != host:
            start_response("403 Forbidden", [("Content-Type", "text/plain"), ("Content-Length", "0")])
            return [b""]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        raw = cookies[COOKIE_NAME].value if COOKIE_NAME in cookies else None
        hit = hit_write(
            schema_name=bank.schema_name,
            code=code,
            entry=query.get("e", [""])[0] == "1",
            referral_code=query.get("r", [""])[0],
            user_agent=environ.get("HTTP_USER_AGENT", ""),
            identity=visitor_cookie_unsign(raw),
            meta=environ,
        )
        scheme = _scheme(environ)
        body = (
            b"{}"
            if hit.is_bot
            else json.dumps({"share": f"{scheme}://{host}/s/{code.lower()}?r={hit.share_code}"}).encode()
        )
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if hit.is_new:
            cookie = SimpleCookie()
            cookie[COOKIE_NAME] = visitor_cookie_sign(hit.token, hit.share_code)
            morsel = cookie[COOKIE_NAME]
            morsel["max-age"] = COOKIE_MAX_AGE
            morsel["path"] = "/"
            morsel["httponly"] = True
            morsel["samesite"] = "Lax"
            if scheme == "https":
                morsel["secure"] = True
            headers.append(("Set-Cookie", morsel.OutputString()))
        start_response("200 OK", headers)
        return [body]
