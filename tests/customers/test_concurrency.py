"""The same customer pressing "send" several times at once makes one lead, with real threads."""

import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from customers.models import Lead
from customers.services import consent_current, lead_submit
from insights.models import Event
from org.models import Staff
from tests.factories import StaffFactory

THREADS = 10


@pytest.fixture
def committed_manager(test_banks, django_db_blocker):
    """A manager committed to the test bank (threads must see it), removed with all it caused."""
    bank = test_banks["testbank"]
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        manager = StaffFactory()
        try:
            yield bank, manager
        finally:
            Lead.objects.filter(staff=manager).delete()  # notifications and notes go with them
            Event.objects.filter(page_staff=manager).delete()
            user = manager.user
            Staff.objects.filter(pk=manager.pk).delete()
            user.delete()


def test_simultaneous_submissions_of_one_number_make_one_lead(committed_manager, django_db_blocker):
    bank, manager = committed_manager
    barrier = threading.Barrier(THREADS)
    failures = []

    def send():
        try:
            with schema_context(bank.schema_name):
                consent = consent_current()
                barrier.wait(timeout=30)
                lead_submit(page_staff=manager, consent=consent, name="张三", mobile="13812341234")
        except Exception as exc:  # reported below, so a thread's failure fails the test
            failures.append(exc)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=send) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        with schema_context(bank.schema_name):
            leads = list(Lead.objects.filter(staff=manager))
            assert len(leads) == 1
            assert leads[0].submissions == THREADS
            assert Event.objects.filter(page_staff=manager, kind="lead").count() == THREADS
