"""Recording what visitors do, and who each visitor belongs to.

`event_record` is the one entry point every app uses. It never raises: a page or a customer's
submission must not fail because tracking did; a failure is logged instead.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from insights.bots import is_bot
from insights.identity import ip_hash, visitor_token_read
from insights.models import AttributionSettings, Event, Source, Visitor
from org.models import AuditLog, Staff

logger = logging.getLogger(__name__)


def event_record(
    *,
    kind: str,
    visitor: Visitor | None = None,
    staff: Staff | None = None,
    page_staff: Staff | None = None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    data: dict | None = None,
    is_bot: bool = False,
    occurred_at=None,
) -> Event | None:
    """Append one event. `staff` defaults to the visitor's owner, then to the page's owner.

    Returns the event, or None if it could not be written (logged; the caller carries on)."""
    try:
        staff = staff or (visitor.owner if visitor and visitor.owner_id else None) or page_staff
        if obj is not None:
            object_type = object_type or obj._meta.model_name
            object_id = object_id or str(obj.pk)
        with transaction.atomic():
            return Event.objects.create(
                kind=kind,
                occurred_at=occurred_at or timezone.now(),
                visitor=visitor,
                staff=staff,
                branch_id=staff.branch_id if staff else None,
                page_staff=page_staff,
                object_type=object_type,
                object_id=object_id,
                is_bot=is_bot or bool(visitor and visitor.is_bot),
                data=data or {},
            )
    except Exception:
        logger.exception("event_record failed: kind=%s", kind)
        return None


def staff_in_charge(staff: Staff) -> Staff:
    """Who serves the customers of `staff` now: them, or the successor of someone who left."""
    seen = set()
    while staff.left_at is not None and staff.successor_id and staff.pk not in seen:
        seen.add(staff.pk)
        staff = Staff.objects.select_related("successor").get(pk=staff.successor_id)
    return staff


def visitor_for_request(request) -> Visitor | None:
    token = visitor_token_read(request)
    if not token:
        return None
    return Visitor.objects.select_related("owner").filter(token=token).first()


def _new_token(length: int) -> str:
    return secrets.token_urlsafe(length)[:length]


@dataclass
class Visit:
    visitor: Visitor | None
    created: bool
    is_bot: bool


def visit_record(*, request, page_staff: Staff, entry: bool, referral_code: str = "") -> Visit:
    """The storefront's tracking request: a page view, and a scan when the visit starts here.

    New visitors are created (attributed to the page's manager, or to the sharer's manager when
    they arrive through a share link) and get a cookie; returning visitors may be taken over by
    this page's manager once their protection period is over."""
    user_agent = request.headers.get("User-Agent", "")[:200]
    owner = staff_in_charge(page_staff)
    if is_bot(user_agent):
        # Bots get no visitor row (they keep no cookies); their events are kept, marked.
        if entry:
            event_record(kind=Event.Kind.SCAN, staff=owner, page_staff=page_staff, is_bot=True)
        event_record(kind=Event.Kind.PAGE_VIEW, staff=owner, page_staff=page_staff, is_bot=True)
        return Visit(visitor=None, created=False, is_bot=True)

    now = timezone.now()
    visitor = visitor_for_request(request)
    created = False
    with transaction.atomic():
        if visitor is None:
            referrer = None
            if referral_code:
                referrer = Visitor.objects.select_related("owner").filter(share_code=referral_code).first()
            first_owner = staff_in_charge(referrer.owner) if referrer and referrer.owner_id else owner
            visitor = Visitor.objects.create(
                token=_new_token(24),
                share_code=_new_token(10),
                owner=first_owner,
                owned_since=now,
                first_staff=first_owner,
                source=Source.SHARE if referrer else Source.SCAN,
                referrer=referrer,
                ip_hash=ip_hash(request),
                user_agent=user_agent,
                visits=1,
            )
            created = True
        elif entry:
            _visitor_takeover(visitor=visitor, staff=owner, now=now)
            Visitor.objects.filter(pk=visitor.pk).update(visits=F("visits") + 1, last_seen_at=now)
        if entry:
            event_record(kind=Event.Kind.SCAN, visitor=visitor, page_staff=page_staff, occurred_at=now)
        event_record(kind=Event.Kind.PAGE_VIEW, visitor=visitor, page_staff=page_staff, occurred_at=now)
    return Visit(visitor=visitor, created=created, is_bot=False)


def _visitor_takeover(*, visitor: Visitor, staff: Staff, now) -> None:
    """First touch wins for the protection period; after it, the next manager's link takes over.
    A conditional update, so two simultaneous arrivals cannot both take the customer."""
    if visitor.owner_id == staff.pk:
        return
    days = AttributionSettings.load().protection_days
    expired = Q(owned_since__isnull=True) | Q(owned_since__lt=now - timedelta(days=days))
    taken = Visitor.objects.filter(expired, pk=visitor.pk).update(owner=staff, owned_since=now)
    if taken:
        visitor.owner, visitor.owned_since = staff, now


@transaction.atomic
def visitor_reassign(*, visitor: Visitor, to_staff: Staff, actor: Staff) -> Visitor:
    """Head office moves a customer to another manager (audited); their protection restarts."""
    previous = visitor.owner_id
    visitor.owner, visitor.owned_since = to_staff, timezone.now()
    visitor.save(update_fields=["owner", "owned_since"])
    AuditLog.objects.create(
        actor=actor,
        action="customer.reassign",
        target_type="visitor",
        target_id=str(visitor.pk),
        detail={"from": previous, "to": to_staff.pk},
    )
    return visitor


def customers_hand_over(*, staff: Staff, successor: Staff | None, actor: Staff | None) -> int:
    """A departing manager's customers move to their successor (audited as one entry)."""
    if successor is None:
        return 0
    moved = Visitor.objects.filter(owner=staff).update(owner=successor, owned_since=timezone.now())
    AuditLog.objects.create(
        actor=actor,
        action="customer.hand_over",
        target_type="staff",
        target_id=str(staff.pk),
        detail={"to": successor.pk, "customers": moved},
    )
    return moved
