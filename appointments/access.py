"""Who may see which bookings. The one place these scope rules live.

A manager sees the bookings attributed to them; a branch head those of their staff and those made
at their branches (the branch and everything under it); head office the whole bank. Anything out
of scope is reported exactly like something that does not exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from appointments.models import Booking
from org.access import staff_visible
from org.models import Staff


def bookings_visible(*, viewer: Staff) -> QuerySet[Booking]:
    qs = Booking.objects.all()
    if viewer.role == Staff.Role.HQ_ADMIN:
        return qs
    if viewer.role == Staff.Role.BRANCH_HEAD:
        return qs.filter(Q(staff__in=staff_visible(viewer=viewer)) | Q(branch__path__startswith=viewer.branch.path))
    return qs.filter(staff=viewer)


def access_booking(*, viewer: Staff, booking_id: int) -> Booking:
    try:
        return bookings_visible(viewer=viewer).select_related("branch", "service", "staff").get(pk=booking_id)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
