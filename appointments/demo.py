"""Demo appointments: opening hours and capacity for every branch, and a few bookings."""

import random
from datetime import time

from appointments.models import Booking, OpeningHours, ServiceType, SlotCapacity
from appointments.selectors import slot_options
from appointments.services import SlotFull, booking_create
from insights.models import Visitor
from org.models import Branch

WEEKDAY_HOURS = [(time(9), time(12)), (time(13, 30), time(17))]
SATURDAY_HOURS = [(time(9), time(12))]
NAMES = ["张伟", "王芳", "李强", "刘敏", "陈静", "杨洋", "黄磊", "周婷"]


def appointments_seed(*, seed: int = 11) -> int:
    """Hours and capacity for branches that have none; bookings once (skipped if there are any)."""
    for branch in Branch.objects.exclude(code="HQ").exclude(appointment_hours__isnull=False):
        for weekday in range(5):
            for opens, closes in WEEKDAY_HOURS:
                OpeningHours.objects.create(branch=branch, weekday=weekday, opens=opens, closes=closes)
        for opens, closes in SATURDAY_HOURS:
            OpeningHours.objects.create(branch=branch, weekday=5, opens=opens, closes=closes)
        SlotCapacity.objects.get_or_create(branch=branch, service=None, defaults={"capacity": 2})
    if Booking.objects.exists():
        return 0
    rng = random.Random(seed)
    services = list(ServiceType.objects.filter(active=True))
    visitors = list(Visitor.objects.filter(owner__isnull=False, is_bot=False).select_related("owner__branch")[:12])
    made = 0
    for index, visitor in enumerate(visitors):
        branch, service = visitor.owner.branch, rng.choice(services) if services else None
        if service is None or not OpeningHours.objects.filter(branch=branch).exists():
            continue
        options = [o for day in slot_options(branch=branch, service=service).values() for o in day]
        if not options:
            continue
        try:
            booking_create(
                branch=branch,
                service=service,
                start=rng.choice(options[:40]).start,
                name=NAMES[index % len(NAMES)],
                mobile=f"139{rng.randint(10000000, 99999999)}",
                consent=True,
                visitor=visitor,
                page_staff=visitor.owner,
            )
            made += 1
        except SlotFull:
            continue
    return made
