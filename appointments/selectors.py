"""Reads: which branches, services, days and time slots a customer may book; bookings for staff."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from appointments.access import bookings_visible
from appointments.models import Booking, OpeningHours, ServiceType, Slot, SlotCapacity
from org.models import Branch, Staff

BOOKING_DAYS = 14  # how far ahead customers may book
DEFAULT_CAPACITY = 1  # a branch whose head office set no capacity takes one customer per slot


@dataclass(frozen=True)
class SlotOption:
    start: datetime
    end: datetime
    remaining: int

    @property
    def value(self) -> str:
        """The form value naming this slot (its start, in the bank's time zone)."""
        return timezone.localtime(self.start).strftime("%Y-%m-%dT%H:%M")


def branches_bookable() -> QuerySet[Branch]:
    """Branches that take appointments (head office gave them opening hours)."""
    return Branch.objects.filter(pk__in=OpeningHours.objects.values("branch_id")).order_by("path")


def services_bookable() -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(active=True)


def capacity_for(*, branch: Branch, service: ServiceType) -> int:
    rows = {row.service_id: row.capacity for row in SlotCapacity.objects.filter(branch=branch)}
    return rows.get(service.pk, rows.get(None, DEFAULT_CAPACITY))


def _starts_on(day: date, hours: list[OpeningHours], minutes: int) -> list[tuple[datetime, datetime]]:
    tz = timezone.get_current_timezone()
    length = timedelta(minutes=minutes)
    starts = []
    for row in hours:
        if row.weekday != day.weekday():
            continue
        start = datetime.combine(day, row.opens, tzinfo=tz)
        closes = datetime.combine(day, row.closes, tzinfo=tz)
        while start + length <= closes:
            starts.append((start, start + length))
            start += length
    return sorted(set(starts))


def slot_options(
    *, branch: Branch, service: ServiceType, now: datetime | None = None, days: int = BOOKING_DAYS
) -> dict[date, list[SlotOption]]:
    """The bookable slots of the next `days` days, by day: inside opening hours, not in the past,
    not inside the service's minimum notice, and with a place left. Two queries whatever the range."""
    now = now or timezone.now()
    earliest = now + timedelta(hours=service.notice_hours)
    today = timezone.localtime(now).date()
    hours = list(OpeningHours.objects.filter(branch=branch))
    capacity = capacity_for(branch=branch, service=service)
    first = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    taken = {
        slot.start: slot.booked
        for slot in Slot.objects.filter(
            branch=branch, service=service, start__gte=first, start__lt=first + timedelta(days=days + 1)
        )
    }
    options: dict[date, list[SlotOption]] = {}
    for offset in range(days):
        day = today + timedelta(days=offset)
        for start, end in _starts_on(day, hours, service.slot_minutes):
            if start < earliest:
                continue
            remaining = capacity - taken.get(start, 0)
            if remaining > 0:
                options.setdefault(day, []).append(SlotOption(start=start, end=end, remaining=remaining))
    return options


def slot_offered(*, branch: Branch, service: ServiceType, start: datetime, now: datetime | None = None) -> bool:
    """Whether `start` is a slot the branch offers for the service now (full or not)."""
    now = now or timezone.now()
    local = timezone.localtime(start)
    today = timezone.localtime(now).date()
    if not today <= local.date() < today + timedelta(days=BOOKING_DAYS):
        return False
    if start < now + timedelta(hours=service.notice_hours):
        return False
    hours = list(OpeningHours.objects.filter(branch=branch, weekday=local.weekday()))
    return any(s == start for s, _end in _starts_on(local.date(), hours, service.slot_minutes))


def booking_for_token(*, token: str) -> Booking | None:
    if not token or len(token) > 64:
        return None
    return Booking.objects.select_related("branch", "service", "slot").filter(token=token).first()


def booking_list(*, viewer: Staff, when: str = "upcoming", now: datetime | None = None) -> QuerySet[Booking]:
    """The viewer's bookings: upcoming ones still to happen (soonest first), or past ones."""
    now = now or timezone.now()
    qs = bookings_visible(viewer=viewer).select_related("branch", "service", "staff")
    if when == "past":
        return qs.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    start_of_today = datetime.combine(timezone.localtime(now).date(), time.min, tzinfo=timezone.get_current_timezone())
    return qs.filter(starts_at__gte=start_of_today, status__in=Booking.ACTIVE).order_by("starts_at", "pk")
