"""Only bookable slots are offered: inside opening hours, not past, not inside the notice period."""

from datetime import date, time, timedelta

from appointments.models import OpeningHours, ServiceType, Slot, SlotCapacity
from appointments.selectors import BOOKING_DAYS, branches_bookable, capacity_for, slot_offered, slot_options
from tests.appointments.conftest import local
from tests.factories import BranchFactory

MONDAY = date(2030, 1, 7)


def test_slots_follow_the_opening_hours_and_the_slot_length(bank, service):
    branch = BranchFactory()
    OpeningHours.objects.create(branch=branch, weekday=0, opens=time(9), closes=time(11))
    OpeningHours.objects.create(branch=branch, weekday=0, opens=time(13), closes=time(14, 15))
    options = slot_options(branch=branch, service=service, now=local(MONDAY, 7))
    assert list(options) == [MONDAY + timedelta(days=7 * week) for week in range(2)]
    starts = [option.start for option in options[MONDAY]]
    assert starts == [local(MONDAY, h, m) for h, m in ((9, 0), (9, 30), (10, 0), (10, 30), (13, 0), (13, 30))]
    assert options[MONDAY][0].end == local(MONDAY, 9, 30)


def test_past_slots_are_not_offered(branch, service):
    options = slot_options(branch=branch, service=service, now=local(MONDAY, 10, 5))
    assert options[MONDAY][0].start == local(MONDAY, 10, 30)


def test_slots_inside_the_minimum_notice_are_not_offered(branch, bank):
    withdrawal = ServiceType.objects.create(name="大额取现测试", notice_hours=24, slot_minutes=30)
    now = local(MONDAY, 10, 5)
    options = slot_options(branch=branch, service=withdrawal, now=now)
    assert MONDAY not in options
    assert options[MONDAY + timedelta(days=1)][0].start == local(MONDAY + timedelta(days=1), 10, 30)
    assert not slot_offered(branch=branch, service=withdrawal, start=local(MONDAY, 16), now=now)
    assert slot_offered(branch=branch, service=withdrawal, start=local(MONDAY + timedelta(days=1), 10, 30), now=now)


def test_only_the_next_two_weeks_are_offered(branch, service):
    options = slot_options(branch=branch, service=service, now=local(MONDAY, 7))
    assert len(options) == BOOKING_DAYS
    later = local(MONDAY + timedelta(days=BOOKING_DAYS), 10)
    assert not slot_offered(branch=branch, service=service, start=later, now=local(MONDAY, 7))


def test_times_between_slots_or_outside_hours_are_not_offered(branch, service):
    now = local(MONDAY, 7)
    assert slot_offered(branch=branch, service=service, start=local(MONDAY, 9, 30), now=now)
    assert not slot_offered(branch=branch, service=service, start=local(MONDAY, 9, 10), now=now)
    assert not slot_offered(branch=branch, service=service, start=local(MONDAY, 17), now=now)
    assert not slot_offered(branch=branch, service=service, start=local(MONDAY, 8, 30), now=now)


def test_full_slots_are_hidden_and_others_show_the_places_left(branch, service):
    start = local(MONDAY, 9)
    Slot.objects.create(
        branch=branch, service=service, start=start, end=start + timedelta(minutes=30), capacity=2, booked=2
    )
    later = local(MONDAY, 9, 30)
    Slot.objects.create(
        branch=branch, service=service, start=later, end=later + timedelta(minutes=30), capacity=2, booked=1
    )
    first, second = slot_options(branch=branch, service=service, now=local(MONDAY, 7))[MONDAY][:2]
    assert (first.start, first.remaining) == (later, 1)
    assert (second.start, second.remaining) == (local(MONDAY, 10), 2)


def test_capacity_per_service_overrides_the_branch_default(branch, service, bank):
    other = ServiceType.objects.create(name="理财测试", slot_minutes=60)
    SlotCapacity.objects.create(branch=branch, service=other, capacity=5)
    assert capacity_for(branch=branch, service=service) == 2
    assert capacity_for(branch=branch, service=other) == 5
    assert capacity_for(branch=BranchFactory(), service=service) == 1


def test_only_branches_with_opening_hours_take_appointments(branch, bank):
    closed = BranchFactory()
    assert branch in branches_bookable()
    assert closed not in branches_bookable()
