from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from campaigns.models import Campaign
from customers.services import consent_current
from insights.identity import COOKIE_NAME, visitor_cookie_sign
from insights.models import Visitor
from tests.factories import ProductFactory, StaffFactory, manager_with_page


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(bank):
    return manager_with_page(name="陈晓")


@pytest.fixture
def hq(bank):
    return StaffFactory(role="hq_admin", name="周敏")


def campaign_make(**fields) -> Campaign:
    """A published campaign running now (an hour ago → in a week), leading to a product."""
    now = timezone.now()
    defaults = {
        "title": "开门红",
        "headline": "开门红 · 新客礼",
        "text": "首次开户即送好礼",
        "status": Campaign.Status.PUBLISHED,
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(days=7),
    }
    defaults.update(fields)
    tags = defaults.pop("audience_tags", [])
    if defaults.get("goal", Campaign.Goal.PRODUCT) == Campaign.Goal.PRODUCT and "product" not in defaults:
        defaults["product"] = ProductFactory()
    campaign = Campaign.objects.create(**defaults)
    if tags:
        campaign.audience_tags.set(tags)
    return campaign


def quota_make(units: int = 3, **fields) -> Campaign:
    return campaign_make(goal=Campaign.Goal.QUOTA, quota_units=units, product=None, **fields)


def visitor_client(n: int, *, owner=None) -> tuple[Client, Visitor]:
    visitor = Visitor.objects.create(token=f"ctok{n:028d}", share_code=f"cs{n:014d}", owner=owner)
    client = Client(HTTP_HOST="testbank.localhost")
    client.cookies[COOKIE_NAME] = visitor_cookie_sign(visitor.token, visitor.share_code)
    return client, visitor


def claim_data(mobile: str) -> dict:
    return {"mobile": mobile, "consent": "on", "consent_version": consent_current().version}


def staff_client(staff) -> Client:
    client = Client(HTTP_HOST="testbank.localhost")
    client.force_login(staff.user)
    return client
