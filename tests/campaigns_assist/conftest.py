from datetime import timedelta
from itertools import count

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from campaigns.assist import services
from campaigns.assist.models import AssistSetup
from campaigns.models import Campaign, CampaignLink
from customers.services import consent_current
from tests.factories import StaffFactory

HOST = "testbank.localhost"
_numbers = count(1)


@pytest.fixture(autouse=True)
def empty_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield
    cache.clear()


def campaign_create(**overrides) -> Campaign:
    now = timezone.now()
    fields = {
        "title": "邀好友助力",
        "goal": Campaign.Goal.ASSIST,
        "status": Campaign.Status.PUBLISHED,
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=7),
        **overrides,
    }
    return Campaign.objects.create(**fields)


def setup_create(campaign: Campaign, **overrides) -> AssistSetup:
    fields = {"helpers_needed": 3, "chains_per_starter": 1, "reward_title": "10元话费", **overrides}
    return AssistSetup.objects.create(campaign=campaign, **fields)


def link_create(campaign: Campaign, staff) -> CampaignLink:
    return CampaignLink.objects.create(campaign=campaign, staff=staff, code=f"lk{next(_numbers):08d}")


@pytest.fixture
def manager(bank):
    return StaffFactory(name="陈晓")


@pytest.fixture
def campaign(bank):
    return campaign_create()


@pytest.fixture
def setup(campaign):
    return setup_create(campaign)


@pytest.fixture
def link(setup, manager):
    return link_create(setup.campaign, manager)


@pytest.fixture
def consent(bank):
    return consent_current()


def person(n: int | None = None, *, network: str = "") -> services.Participant:
    """A device (its own token) on a network (a fingerprint, as `ip_hash` would give)."""
    n = n if n is not None else next(_numbers)
    return services.Participant(token=f"device-{n:06d}", visitor=None, network_hash=network or f"net{n:013d}")


def mobile(n: int | None = None) -> str:
    n = n if n is not None else next(_numbers)
    return f"139{n:08d}"


def chain_with(link, consent, *, assists: int = 0, starter: services.Participant | None = None):
    chain = services.chain_start(link=link, mobile=mobile(), consent=consent, participant=starter or person())
    for _ in range(assists):
        services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person())
    chain.refresh_from_db()
    return chain


def device_client(address: str = "10.0.0.1", **extra) -> Client:
    """One phone: a client keeps its cookies, so it stays the same device across requests."""
    return Client(HTTP_HOST=HOST, REMOTE_ADDR=address, **extra)


def form(statement, /, **overrides) -> dict:
    return {"mobile": mobile(), "consent": "on", "consent_version": statement.version, "website": "", **overrides}
