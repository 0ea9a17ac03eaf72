"""A burst of first-time scans, with real threads and real transactions against PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from insights.ingest import hits_drain
from insights.models import Event, Visitor
from org.models import Staff
from tests.factories import StaffFactory

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"
SCANS = 200
WORKERS = 40  # like a server's worker pool: more database connections than this would be refused


@pytest.fixture
def committed_manager(test_banks, django_db_blocker):
    """A manager committed to the test bank (threads must see it), removed with all it caused."""
    bank = test_banks["testbank"]
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        manager = StaffFactory()
        try:
            yield bank, manager
        finally:
            Event.objects.filter(page_staff=manager).delete()
            Visitor.objects.filter(first_staff=manager).delete()
            user = manager.user
            Staff.objects.filter(pk=manager.pk).delete()
            user.delete()


def test_200_simultaneous_first_scans_make_exactly_200_visitors_and_scans(
    committed_manager, django_db_blocker, settings
):
    settings.TRACK_GROUP_COMMIT = True  # as in production: hits of concurrent requests share commits
    bank, manager = committed_manager
    barrier = threading.Barrier(SCANS)
    workers = threading.BoundedSemaphore(WORKERS)
    statuses, failures = [], []

    def first_scan():
        try:
            client = Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)
            barrier.wait(timeout=30)
            with workers:
                try:
                    statuses.append(client.post(f"/s/{manager.code}/t", {"e": "1"}).status_code)
                finally:
                    connection.close()
        except Exception as exc:  # reported below, so a thread's failure fails the test
            failures.append(exc)

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=first_scan) for _ in range(SCANS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures
        assert statuses == [200] * SCANS
        hits_drain()  # (the inbox is shared by all banks: other tests may have left hits too)
        with schema_context(bank.schema_name):
            assert Visitor.objects.filter(first_staff=manager).count() == SCANS
            assert Event.objects.filter(page_staff=manager, kind="scan").count() == SCANS
            assert Event.objects.filter(page_staff=manager, kind="page_view").count() == SCANS
            assert Visitor.objects.filter(first_staff=manager).values("token").distinct().count() == SCANS
