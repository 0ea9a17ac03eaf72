"""The limited-quota offer under the first-second burst: 500 simultaneous claims for 20 units, real
threads and real transactions against PostgreSQL, then the database is checked."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from campaigns import services
from campaigns.models import Campaign, QuotaClaim
from customers.services import consent_current
from insights.models import Event
from org.models import Staff
from tests.factories import StaffFactory

CLAIMS = 500
UNITS = 20
# Like a server's worker pool: every claimant is released at once, but no more than this many
# database connections are open together (the test server's limit is shared with other runs).
WORKERS = 24


@pytest.fixture
def committed_offer(test_banks, django_db_blocker):
    """A running 20-unit offer and a manager's link to it, committed (threads must see them), and
    removed afterwards with everything the claims caused."""
    bank = test_banks["testbank"]
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        manager = StaffFactory()
        now = timezone.now()
        campaign = Campaign.objects.create(
            title="限量抢购",
            goal=Campaign.Goal.QUOTA,
            status=Campaign.Status.PUBLISHED,
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(days=1),
            quota_units=UNITS,
        )
        link = services.link_get_or_create(campaign=campaign, staff=manager)
        try:
            yield bank, link
        finally:
            Event.objects.filter(page_staff=manager).delete()
            QuotaClaim.objects.filter(campaign=campaign).delete()
            campaign.delete()
            user, branch = manager.user, manager.branch
            Staff.objects.filter(pk=manager.pk).delete()
            user.delete()
            branch.delete()


def test_500_simultaneous_claims_for_20_units_give_exactly_20(committed_offer, django_db_blocker):
    bank, link = committed_offer
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        consent_version = consent_current().version
    barrier = threading.Barrier(CLAIMS)
    workers = threading.BoundedSemaphore(WORKERS)
    statuses, failures = [], []

    def claim(n: int):
        try:
            client = Client(HTTP_HOST="testbank.localhost")  # a new browser: its own visitor token
            data = {"mobile": f"1380000{n:04d}", "consent": "on", "consent_version": consent_version}
            barrier.wait(timeout=60)
            with workers:
                try:
                    statuses.append(client.post(f"/c/{link.code}/claim", data).status_code)
                finally:
                    connection.close()
        except Exception as exc:  # reported below, so a thread's failure fails the test
            failures.append(exc)

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=claim, args=(n,)) for n in range(CLAIMS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not failures
        assert len(statuses) == CLAIMS
        assert statuses.count(302) == UNITS
        assert statuses.count(410) == CLAIMS - UNITS  # sold out
        with schema_context(bank.schema_name):
            claims = list(QuotaClaim.objects.filter(campaign_id=link.campaign_id))
            assert sorted(c.number for c in claims) == list(range(1, UNITS + 1))  # no unit twice
            assert len({c.phone_hash for c in claims}) == UNITS and len({c.visitor_token for c in claims}) == UNITS
            assert Campaign.objects.get(pk=link.campaign_id).quota_claimed == UNITS
            assert Event.objects.filter(object_id=str(link.campaign_id), data__action="claim").count() == UNITS
