"""Recording what visitors do, and who each visitor belongs to.

`event_record` is the one entry point every app uses. It never raises: a page or a customer's
submission must not fail because tracking did; a failure is logged instead.
"""

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from insights.bots import is_bot
from insights.identity import ip_hash, visitor_cookie_read, visitor_token_read
from insights.inbox.writer import writer
from insights.models import Event, Visitor
from insights.tags import tag_rules_apply
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
            event = Event.objects.create(
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
    if event.visitor_id and not event.is_bot:
        _tags_refresh(visitor_id=event.visitor_id)
    return event


def _tags_refresh(*, visitor_id: int) -> None:
    """Tag rules see this event at once; a failure is logged, never raised (see above)."""
    try:
        with transaction.atomic():
            tag_rules_apply(visitor_ids=[visitor_id])
    except Exception:
        logger.exception("event_record: tag rules failed for visitor %s", visitor_id)


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
class Hit:
    token: str
    share_code: str
    is_new: bool
    is_bot: bool


HIT_INSERT = """
INSERT INTO public.insights_inbox_hit
    (received_at, schema_name, code, token, share_code, is_new, entry, referral, is_bot, ip_hash, user_agent)
VALUES (now(), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def hit_record(*, request, code: str, entry: bool, referral_code: str = "") -> Hit:
    """The storefront's tracking request (a Django request): see `hit_write`."""
    return hit_write(
        schema_name=connection.schema_name,
        code=code,
        entry=entry,
        referral_code=referral_code,
        user_agent=request.headers.get("User-Agent", ""),
        identity=visitor_cookie_read(request),
        meta=request.META,
    )


def hit_write(
    *,
    schema_name: str,
    code: str,
    entry: bool,
    referral_code: str,
    user_agent: str,
    identity: tuple[str, str] | None,
    meta,
) -> Hit:
    """One durable insert into the tracking inbox, nothing more.

    A visitor without our cookie (`identity`) gets a new one here (the caller sets the cookie); who
    they belong to, and the scan and page-view events, are worked out by `insights.ingest` within
    about a second. This runs for every view of every page, hence raw SQL and a single statement,
    shared with other requests' hits when group commit is on."""
    user_agent = user_agent[:200]
    bot = is_bot(user_agent)
    identity = None if bot else identity
    is_new = identity is None and not bot
    token, share_code = identity or (("", "") if bot else (_new_token(24), _new_token(10)))
    row = [
        schema_name,
        code.lower()[:16],
        token,
        share_code,
        is_new,
        entry,
        referral_code[:16],
        bot,
        ip_hash(meta) if is_new else "",
        user_agent if is_new else "",
    ]
    if settings.TRACK_GROUP_COMMIT:
        writer.write(row)  # returns once committed, with other requests' hits in the same commit
    else:
        with connection.cursor() as cursor:
            cursor.execute(HIT_INSERT, row)
    return Hit(token=token, share_code=share_code, is_new=is_new, is_bot=bot)


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
