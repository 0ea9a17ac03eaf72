"""Recording what visitors do, and who each visitor belongs to.

`event_record` is the one entry point every app uses. It never raises: a page or a customer's
submission must not fail because tracking did; a failure is logged instead.
"""

import logging
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from insights import recording
from insights.bots import is_bot
from insights.identity import ip_hash, visitor_token_read
from insights.models import Event, Visitor
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
    visitor_id: int | None
    share_code: str
    token: str
    created: bool
    is_bot: bool


def visit_record(*, request, code: str, entry: bool, referral_code: str = "") -> Visit | None:
    """The storefront's tracking request: a page view, and a scan when the visit starts here.

    A new visitor is created, owned by the page's manager (or by the sharer's manager when they
    came through a share link), and gets a cookie; a returning visitor may be taken over by this
    page's manager once their protection period is over. None if the code is unknown.
    One SQL statement (insights/recording.py): this runs for every view of every page."""
    user_agent = request.headers.get("User-Agent", "")[:200]
    params = {"code": code.lower(), "entry": entry}
    if is_bot(user_agent):
        with connection.cursor() as cursor:
            cursor.execute(recording.BOT, params)
            found = cursor.rowcount > 0
        return Visit(None, "", "", created=False, is_bot=True) if found else None
    token = visitor_token_read(request)
    if token:
        row = recording.execute(recording.RETURNING_VISITOR, {**params, "token": token})
        if row is not None:
            return Visit(row[0], row[1], token, created=False, is_bot=False)
    token = _new_token(24)
    row = recording.execute(
        recording.NEW_VISITOR,
        {
            **params,
            "token": token,
            "share_code": _new_token(10),
            "referral": referral_code,
            "ip_hash": ip_hash(request),
            "user_agent": user_agent,
        },
    )
    if row is None:
        return None
    return Visit(row[0], row[1], token, created=True, is_bot=False)


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
