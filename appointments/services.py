"""Writes on bookings: a customer books, cancels or moves their visit; staff confirm and close it.

A place is taken by one conditional UPDATE (`booked < capacity`) in the same transaction as the
booking itself, so simultaneous customers can never take more places than a slot has; the check
constraint on `Slot` is the last line of defence.
"""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.models import Booking, ServiceType, Slot
from appointments.selectors import capacity_for, slot_offered
from customers import pii
from customers.models import ConsentStatement
from customers.services import consent_current
from insights.models import Event, Visitor
from insights.services import event_record, staff_in_charge
from org.models import Branch, Staff
from org.services.staff import audit_record

# What the customer's tick means for this booking; the bank's versioned statement
# (customers.ConsentStatement) is shown above it and recorded with the booking.
CONSENT_TEXT = gettext_lazy(
    "I agree that the bank uses my name and mobile number to arrange and remind me of this appointment."
)

# No 0/O, 1/I/L: the code is read out at the counter.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11
NAME_MAX = 30


class SlotFull(Exception):
    """Every place of the chosen slot is taken."""


class BookingStateError(Exception):
    """The booking is not in a state that allows this (e.g. confirming a cancelled one)."""


def _code_new() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Booking.objects.filter(code=code).exists():
            return code


def _slot_take(*, branch: Branch, service: ServiceType, start: datetime) -> Slot:
    """Take one place in the slot (creating its row on first use), or raise SlotFull."""
    if not slot_offered(branch=branch, service=service, start=start):
        raise ValidationError(_("This time is not available. Please choose another one."))
    capacity = capacity_for(branch=branch, service=service)
    end = start + timedelta(minutes=service.slot_minutes)
    slot, _created = Slot.objects.get_or_create(
        branch=branch, service=service, start=start, defaults={"end": end, "capacity": capacity}
    )
    if slot.capacity != capacity:
        # Head office changed the capacity since: follow it, never below the places already taken.
        Slot.objects.filter(pk=slot.pk, booked__lte=capacity).update(capacity=capacity)
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise SlotFull
    return slot


def _slot_release(*, slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Enter your name."))
    if len(name) > NAME_MAX:
        raise ValidationError(_("The name is too long."))
    return name


@transaction.atomic
def booking_create(
    *,
    branch: Branch,
    service: ServiceType,
    start: datetime,
    name: str,
    mobile: str,
    consent: bool,
    consent_statement: ConsentStatement | None = None,
    visitor: Visitor | None = None,
    page_staff: Staff | None = None,
) -> Booking:
    """Book a place for a customer; raises ValidationError for bad input, SlotFull when taken.

    `consent_statement` is the version of the bank's statement the customer was shown (the current
    one when not given); the booking keeps it and the time of consent, like a lead.
    The booking belongs to the visitor's manager, else to the manager whose page they came from
    (whoever serves that manager's customers now)."""
    if not consent:
        raise ValidationError(_("Please agree to the use of your details for this appointment."))
    consent_statement = consent_statement or consent_current()
    if consent_statement is None:
        raise ValidationError(_("Bookings are not open yet: the bank has not published its consent statement."))
    name = _clean_name(name)
    mobile = pii.mobile_normalise(mobile)
    if not pii.mobile_is_valid(mobile):
        raise ValidationError(pii.MOBILE_INVALID)
    if not service.active:
        raise ValidationError(_("This service cannot be booked at the moment."))
    slot = _slot_take(branch=branch, service=service, start=start)
    owner = visitor.owner if visitor is not None and visitor.owner_id else page_staff
    staff = staff_in_charge(owner) if owner is not None else None
    page_staff = staff_in_charge(page_staff) if page_staff is not None else None
    now = timezone.now()
    booking = Booking.objects.create(
        code=_code_new(),
        token=secrets.token_urlsafe(32),
        slot=slot,
        branch=branch,
        service=service,
        starts_at=slot.start,
        ends_at=slot.end,
        staff=staff,
        page_staff=page_staff,
        visitor=visitor,
        name_encrypted=pii.encrypt(name),
        phone_encrypted=pii.encrypt(mobile),
        phone_hash=pii.phone_hash(mobile),
        consent=consent_statement,
        consent_version=str(consent_statement.version),
        consent_at=now,
    )
    if visitor is not None:
        # They left their number with consent: the visitor is identified from now on.
        Visitor.objects.filter(pk=visitor.pk).update(phone_masked=pii.mobile_mask(mobile))
    event_record(
        kind=Event.Kind.APPOINTMENT,
        visitor=visitor,
        staff=staff,
        page_staff=page_staff,
        obj=booking,
        data={"service": service.pk, "branch": branch.pk, "action": "booked"},
    )
    return booking


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("branch", "service").get(pk=booking.pk)


@transaction.atomic
def booking_cancel(*, booking: Booking) -> Booking:
    """The customer cancels: the place is freed for someone else."""
    booking = _locked(booking)
    if not booking.is_active:
        raise BookingStateError(_("This appointment can no longer be cancelled."))
    _slot_release(slot_id=booking.slot_id)
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    return booking


@transaction.atomic
def booking_reschedule(*, booking: Booking, start: datetime) -> Booking:
    """Move the booking to another slot of the same branch and service, all or nothing: the new
    place is taken before the old one is freed; SlotFull leaves the booking where it was."""
    booking = _locked(booking)
    if not booking.is_active:
        raise BookingStateError(_("This appointment can no longer be changed."))
    if start == booking.starts_at:
        return booking
    slot = _slot_take(branch=booking.branch, service=booking.service, start=start)
    _slot_release(slot_id=booking.slot_id)
    booking.slot, booking.starts_at, booking.ends_at = slot, slot.start, slot.end
    # Staff confirm a time, not a person: a moved appointment needs confirming again.
    booking.status = Booking.Status.BOOKED
    booking.save(update_fields=["slot", "starts_at", "ends_at", "status", "updated_at"])
    return booking


# Which status each staff action leads to, and from which statuses it may be taken.
STAFF_ACTIONS = {
    "confirm": (Booking.Status.CONFIRMED, (Booking.Status.BOOKED,)),
    "done": (Booking.Status.DONE, Booking.ACTIVE),
    "no_show": (Booking.Status.NO_SHOW, Booking.ACTIVE),
}


@transaction.atomic
def booking_status_set(*, booking: Booking, action: str, actor: Staff) -> Booking:
    """Staff confirm a booking, or close it as done or no-show (audited)."""
    target, allowed = STAFF_ACTIONS[action]
    booking = _locked(booking)
    if booking.status not in allowed:
        raise BookingStateError(_("This appointment is already %(status)s.") % {"status": booking.get_status_display()})
    if action == "no_show" and booking.starts_at > timezone.now():
        raise BookingStateError(_("A customer can only miss an appointment once its time has come."))
    previous = booking.status
    booking.status = target
    booking.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=f"booking.{action}", target=booking, detail={"from": previous})
    return booking


def booking_reveal(*, booking: Booking, viewer: Staff) -> tuple[str, str]:
    """The customer's name and mobile in full, for staff who must call them. Audited: every reveal
    of personal information is accounted for."""
    audit_record(actor=viewer, action="booking.reveal", target=booking)
    return pii.decrypt(booking.name_encrypted), pii.decrypt(booking.phone_encrypted)
