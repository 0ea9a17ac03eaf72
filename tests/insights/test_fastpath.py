"""The tracking request answered in front of Django gives the same result as through Django."""

import json

from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from insights.fastpath import TrackingFastPath
from insights.identity import COOKIE_NAME, visitor_cookie_unsign
from insights.ingest import hits_drain
from insights.models import Event, Visitor
from tests.factories import StaffFactory

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"


def _call(app, environ):
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


def _environ(path, **extra):
    return RequestFactory().post(path, HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER, **extra).environ


def test_fast_path_records_a_first_scan_and_sets_the_same_cookie(bank, bank_client):
    manager = StaffFactory()
    app = TrackingFastPath(WSGIHandler())
    bank_client.get("/accounts/login/")  # Django has resolved this host once (as any first request does)
    answer = _call(app, _environ(f"/s/{manager.code}/t", QUERY_STRING="e=1&r="))
    assert answer["status"] == "200 OK"
    cookie = answer["headers"]["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token, share_code = visitor_cookie_unsign(cookie.split(";")[0].split("=", 1)[1])
    assert json.loads(answer["body"])["share"] == f"http://testbank.localhost/s/{manager.code}?r={share_code}"
    hits_drain()
    visitor = Visitor.objects.get()
    assert (visitor.token, visitor.share_code, visitor.owner) == (token, share_code, manager)
    assert sorted(Event.objects.values_list("kind", flat=True)) == ["page_view", "scan"]


def test_fast_path_refuses_other_sites_and_leaves_unknown_hosts_to_django(bank, bank_client):
    manager = StaffFactory()
    calls = []

    def django(environ, start_response):
        calls.append(environ["HTTP_HOST"])
        start_response("404 Not Found", [])
        return [b""]

    app = TrackingFastPath(django)
    bank_client.get("/accounts/login/")
    refused = _call(app, _environ(f"/s/{manager.code}/t", HTTP_ORIGIN="https://evil.example"))
    assert refused["status"] == "403 Forbidden"
    environ = _environ(f"/s/{manager.code}/t")
    environ["HTTP_HOST"] = "unknown.localhost"
    _call(app, environ)
    assert calls == ["unknown.localhost"]
    hits_drain()
    assert not Event.objects.exists()
