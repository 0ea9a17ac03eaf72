"""30 customers book the same slot at once: exactly its capacity get it, the rest hear it is full.
Real threads, real transactions against PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from appointments.models import Booking, OpeningHours, ServiceType, Slot, SlotCapacity
from customers.services import consent_current
from insights.models import Event
from org.models import Branch, Staff
from tests.appointments.conftest import open_every_day, tomorrow_at
from tests.factories import BranchFactory, StaffFactory

CUSTOMERS = 30
CAPACITY = 3


@pytest.fixture
def committed_setup(test_banks, django_db_blocker):
    """A branch, a service and a manager committed to the test bank (threads must see them),
    removed afterwards with everything the bookings caused."""
    bank = test_banks["testbank"]
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        branch = open_every_day(BranchFactory(), capacity=CAPACITY)
        service = ServiceType.objects.create(name="并发测试业务", slot_minutes=30)
        manager = StaffFactory(branch=branch)
        try:
            yield bank, branch, service, manager
        finally:
            Event.objects.filter(page_staff=manager).delete()
            Booking.objects.filter(branch=branch).delete()
            Slot.objects.filter(branch=branch).delete()
            OpeningHours.objects.filter(branch=branch).delete()
            SlotCapacity.objects.filter(branch=branch).delete()
            service.delete()
            user = manager.user
            Staff.objects.filter(pk=manager.pk).delete()
            user.delete()
            Branch.objects.filter(pk=branch.pk).delete()


def test_30_simultaneous_bookings_for_3_places_give_3_bookings_and_27_slot_full(committed_setup, django_db_blocker):
    bank, branch, service, manager = committed_setup
    start = tomorrow_at(10)
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        consent_version = consent_current().version
    barrier = threading.Barrier(CUSTOMERS)
    responses, failures = [], []

    def customer(n: int):
        try:
            # Each customer on their own network, so the rate limits are not what stops them.
            client = Client(HTTP_HOST="testbank.localhost", REMOTE_ADDR=f"10.1.0.{n + 1}")
            data = {
                "branch": branch.pk,
                "service": service.pk,
                "start": start.strftime("%Y-%m-%dT%H:%M"),
                "name": f"顾客{n}",
                "mobile": f"139{n:08d}",
                "consent": "on",
                "consent_version": consent_version,
            }
            barrier.wait(timeout=30)
            try:
                responses.append(client.post(f"/p/book/{manager.code}/", data))
            finally:
                connection.close()
        except Exception as exc:  # reported below, so a thread's failure fails the test
            failures.append(exc)

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=customer, args=(n,)) for n in range(CUSTOMERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [302] * CAPACITY + [409] * (CUSTOMERS - CAPACITY)
        for response in responses:
            if response.status_code == 409:
                assert "该时段刚刚约满" in response.content.decode()
        with schema_context(bank.schema_name):
            slot = Slot.objects.get(branch=branch, service=service, start=start)
            assert (slot.booked, slot.capacity) == (CAPACITY, CAPACITY)
            assert Booking.objects.filter(slot=slot, status=Booking.Status.BOOKED).count() == CAPACITY
            assert Slot.objects.filter(branch=branch).count() == 1
            assert Event.objects.filter(page_staff=manager, kind=Event.Kind.APPOINTMENT).count() == CAPACITY
