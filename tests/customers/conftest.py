import pytest
from django.core.cache import cache
from django.test import Client

from customers.services import consent_current
from insights.identity import COOKIE_NAME, visitor_cookie_sign
from insights.models import Visitor
from tests.factories import StaffFactory

MOBILE = "13812341234"


@pytest.fixture(autouse=True)
def empty_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(bank):
    return StaffFactory(name="陈晓")


@pytest.fixture
def consent(bank):
    return consent_current()


def visitor_client(visitor: Visitor, **extra) -> Client:
    client = Client(HTTP_HOST="testbank.localhost", **extra)
    client.cookies[COOKIE_NAME] = visitor_cookie_sign(visitor.token, visitor.share_code)
    return client


def visitor_new(owner=None, n: int = 1) -> Visitor:
    return Visitor.objects.create(token=f"tok{n:029d}", share_code=f"sc{n:014d}", owner=owner)


def lead_post(client, code: str, **overrides):
    data = {
        "name": "张三",
        "mobile": MOBILE,
        "product": "",
        "note": "",
        "consent": "on",
        "consent_version": consent_current().version,
        "website": "",
    }
    data.update(overrides)
    return client.post(f"/p/lead/{code}/", {k: v for k, v in data.items() if v is not None})
