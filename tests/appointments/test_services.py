"""Booking, cancelling and moving a visit; staff confirming and closing it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from appointments.models import Booking, Slot
from appointments.services import (
    BookingStateError,
    SlotFull,
    booking_cancel,
    booking_create,
    booking_reschedule,
    booking_status_set,
)
from customers import pii
from customers.services import consent_current
from insights.models import Event, Visitor
from org.models import AuditLog
from tests.appointments.conftest import tomorrow_at
from tests.factories import StaffFactory


def book(branch, service, start=None, **kwargs):
    values = {"name": "张三", "mobile": "13912345678", "consent": True, **kwargs}
    return booking_create(branch=branch, service=service, start=start or tomorrow_at(10), **values)


def test_booking_takes_a_place_and_gets_a_code_and_a_private_token(branch, service, manager):
    booking = book(branch, service, page_staff=manager)
    slot = Slot.objects.get(branch=branch, service=service, start=tomorrow_at(10))
    assert (slot.booked, slot.capacity) == (1, 2)
    assert booking.slot == slot and booking.status == Booking.Status.BOOKED
    assert len(booking.code) == 8 and booking.code.isalnum()
    assert len(booking.token) >= 40
    assert booking.staff == manager
    assert booking.consent == consent_current()
    assert booking.consent_version == str(booking.consent.version) and booking.consent_at


def test_name_and_phone_are_encrypted_at_rest(branch, service):
    booking = book(branch, service, name="王小明", mobile="+86 139-1234-5678")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_encrypted, phone_encrypted, phone_hash FROM appointments_booking WHERE id = %s", [booking.pk]
        )
        row = " ".join(cursor.fetchone())
    assert "13912345678" not in row and "王小明" not in row
    assert pii.decrypt(booking.phone_encrypted) == "13912345678"
    assert pii.decrypt(booking.name_encrypted) == "王小明"
    assert booking.phone_hash == pii.phone_hash("13912345678")
    assert booking.phone_masked == "139****5678"


def test_full_slot_refuses_booking(branch, service):
    book(branch, service)
    book(branch, service)
    with pytest.raises(SlotFull):
        book(branch, service)
    assert Slot.objects.get(branch=branch, service=service, start=tomorrow_at(10)).booked == 2
    assert Booking.objects.filter(branch=branch).count() == 2


@pytest.mark.parametrize(
    "values",
    [
        {"consent": False},
        {"mobile": "12812345678"},
        {"mobile": "1391234567"},
        {"name": "   "},
        {"name": "名" * 31},
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(branch, service, values):
    with pytest.raises(ValidationError):
        book(branch, service, **values)
    assert not Booking.objects.exists()
    assert not Slot.objects.filter(booked__gt=0).exists()


@pytest.mark.parametrize("start", [tomorrow_at(10, 10), tomorrow_at(8), tomorrow_at(17)])
def test_times_the_branch_does_not_offer_are_refused(branch, service, start):
    with pytest.raises(ValidationError):
        book(branch, service, start=start)


def test_a_past_time_is_refused(branch, service):
    with pytest.raises(ValidationError):
        book(branch, service, start=tomorrow_at(10) - timedelta(days=2))


def test_an_inactive_service_cannot_be_booked(branch, service):
    service.active = False
    service.save()
    with pytest.raises(ValidationError):
        book(branch, service)


def test_cancelling_frees_the_place_once(branch, service):
    booking = book(branch, service)
    booking_cancel(booking=booking)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=booking.slot_id).booked == 0
    with pytest.raises(BookingStateError):
        booking_cancel(booking=booking)
    assert Slot.objects.get(pk=booking.slot_id).booked == 0


def test_rescheduling_moves_the_place(branch, service):
    booking = book(branch, service)
    booking_status_set(booking=booking, action="confirm", actor=StaffFactory())
    moved = booking_reschedule(booking=booking, start=tomorrow_at(15))
    assert moved.starts_at == tomorrow_at(15) and moved.ends_at == tomorrow_at(15, 30)
    assert moved.status == Booking.Status.BOOKED  # a new time needs confirming again
    assert Slot.objects.get(start=tomorrow_at(10), service=service).booked == 0
    assert Slot.objects.get(start=tomorrow_at(15), service=service).booked == 1


def test_rescheduling_to_a_full_slot_leaves_everything_as_it_was(branch, service):
    booking = book(branch, service)
    book(branch, service, start=tomorrow_at(15))
    book(branch, service, start=tomorrow_at(15))
    with pytest.raises(SlotFull):
        booking_reschedule(booking=booking, start=tomorrow_at(15))
    booking.refresh_from_db()
    assert booking.starts_at == tomorrow_at(10)
    assert Slot.objects.get(start=tomorrow_at(10), service=service).booked == 1
    assert Slot.objects.get(start=tomorrow_at(15), service=service).booked == 2


def test_a_cancelled_booking_cannot_be_moved(branch, service):
    booking = booking_cancel(booking=book(branch, service))
    with pytest.raises(BookingStateError):
        booking_reschedule(booking=booking, start=tomorrow_at(15))


def test_the_booking_belongs_to_the_visitors_manager_and_is_recorded(branch, service, manager):
    owner = StaffFactory()
    visitor = Visitor.objects.create(token="t" * 20, share_code="s" * 10, owner=owner)
    booking = book(branch, service, visitor=visitor, page_staff=manager)
    assert booking.staff == owner and booking.page_staff == manager
    event = Event.objects.get(kind=Event.Kind.APPOINTMENT, object_id=str(booking.pk))
    assert (event.staff, event.visitor, event.page_staff, event.object_type) == (owner, visitor, manager, "booking")
    visitor.refresh_from_db()
    assert visitor.phone_masked == "139****5678"


def test_a_departed_managers_bookings_go_to_their_successor(branch, service, manager):
    successor = StaffFactory()
    manager.left_at, manager.successor = timezone.now(), successor
    manager.save()
    booking = book(branch, service, page_staff=manager)
    assert booking.staff == successor


def test_staff_confirm_and_close_bookings_and_it_is_audited(branch, service, manager):
    booking = book(branch, service, page_staff=manager)
    booking_status_set(booking=booking, action="confirm", actor=manager)
    with pytest.raises(BookingStateError):
        booking_status_set(booking=booking, action="confirm", actor=manager)
    booking_status_set(booking=booking, action="done", actor=manager)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.DONE
    assert list(AuditLog.objects.filter(target_id=str(booking.pk)).values_list("action", flat=True).order_by("pk")) == [
        "booking.confirm",
        "booking.done",
    ]


def test_no_show_only_once_the_time_has_come(branch, service, manager):
    booking = book(branch, service, page_staff=manager)
    with pytest.raises(BookingStateError):
        booking_status_set(booking=booking, action="no_show", actor=manager)
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    assert booking_status_set(booking=booking, action="no_show", actor=manager).status == Booking.Status.NO_SHOW


def test_a_lower_capacity_never_drops_below_the_places_taken(branch, service):
    book(branch, service)
    book(branch, service)
    branch.appointment_capacities.update(capacity=1)
    with pytest.raises(SlotFull):
        book(branch, service)
    slot = Slot.objects.get(start=tomorrow_at(10), service=service)
    assert (slot.booked, slot.capacity) == (2, 2)
