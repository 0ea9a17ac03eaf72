"""Writes on leads and messages: what a customer leaves, and what the manager does with it."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import Product
from customers import notifications, pii
from customers.models import (
    MESSAGE_MAX,
    NAME_MAX,
    NOTE_MAX,
    ConsentStatement,
    Lead,
    LeadNote,
    Message,
    MessageThread,
    Notification,
)
from insights.models import Event, Visitor
from insights.services import event_record, staff_in_charge
from org.models import Staff
from org.services.staff import audit_record

DEDUPE_WINDOW = timedelta(hours=24)
logger = logging.getLogger(__name__)


class LeadError(Exception):
    """A lead change the rules refuse; the message is for the person who tried."""


@dataclass
class LeadSubmission:
    lead: Lead
    created: bool


def consent_current() -> ConsentStatement | None:
    return ConsentStatement.objects.order_by("-version").first()


@transaction.atomic
def consent_statement_publish(*, text: str, author: Staff | None = None) -> ConsentStatement:
    """A new version of the consent statement; it is current from now on. Old versions stay, since
    leads refer to the one their customer agreed to."""
    text = text.strip()
    if not text:
        raise LeadError(_("The consent statement cannot be empty."))
    # Two head-office editors saving at once must get versions n+1 and n+2, not a clash. Rare and
    # tiny: a table lock is the simple way (readers are not blocked).
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {ConsentStatement._meta.db_table} IN EXCLUSIVE MODE")
    latest = ConsentStatement.objects.aggregate(v=Max("version"))["v"] or 0
    return ConsentStatement.objects.create(version=latest + 1, text=text, created_by=author)


def lead_owner(*, visitor: Visitor | None, page_staff: Staff) -> Staff:
    """Whose lead it is: the customer's own manager when we know them, else the page's manager
    (or whoever took over from either of them)."""
    if visitor is not None and visitor.owner_id:
        return staff_in_charge(visitor.owner)
    return staff_in_charge(page_staff)


def _dedupe_lock(staff: Staff, phone_hash: str) -> None:
    # Two submissions of one number at once must not both create a lead: serialise them per
    # (bank, manager, number) until the transaction ends. No row exists yet to lock.
    digest = hashlib.blake2b(f"{connection.schema_name}:{staff.pk}:{phone_hash}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def lead_submit(
    *,
    page_staff: Staff,
    name: str,
    mobile: str,
    consent: ConsentStatement,
    product: Product | None = None,
    note: str = "",
    visitor: Visitor | None = None,
    lead_url_for=None,
) -> LeadSubmission:
    """Store a customer's lead (or update their open one with the same manager from the last 24
    hours), record the `lead` event and the visitor's masked number, and, once committed, notify
    the manager. `lead_url_for(lead)` gives the absolute workspace link used in notifications."""
    name, note = name.strip(), note.strip()
    mobile = pii.mobile_normalise(mobile)
    if not name or len(name) > NAME_MAX:
        raise LeadError(_("Enter your name (at most %(n)s characters).") % {"n": NAME_MAX})
    if not pii.mobile_is_valid(mobile):
        raise LeadError(str(pii.MOBILE_INVALID))
    if len(note) > NOTE_MAX:
        raise LeadError(_("The note can be at most %(n)s characters.") % {"n": NOTE_MAX})
    if product is not None and not Product.objects.on_sale().filter(pk=product.pk).exists():
        raise LeadError(_("That product is not on sale."))
    staff = lead_owner(visitor=visitor, page_staff=page_staff)
    phone_hash = pii.phone_hash(mobile)
    now = timezone.now()
    with transaction.atomic():
        _dedupe_lock(staff, phone_hash)
        lead = (
            Lead.objects.select_for_update()
            .filter(
                staff=staff, phone_hash=phone_hash, status__in=Lead.OPEN_STATUSES, created_at__gte=now - DEDUPE_WINDOW
            )
            .order_by("-created_at")
            .first()
        )
        created = lead is None
        if created:
            lead = Lead(staff=staff, phone_hash=phone_hash, page_staff=page_staff)
        else:
            lead.submissions += 1
        lead.name_encrypted = pii.encrypt(name)
        lead.mobile_encrypted = pii.encrypt(mobile)
        lead.mobile_masked = pii.mobile_mask(mobile)
        lead.consent, lead.consented_at = consent, now
        if visitor is not None:
            lead.visitor = visitor
        if product is not None:
            lead.product = product
        if note:
            lead.note = note
        lead.save()
        event_record(
            kind=Event.Kind.LEAD,
            visitor=visitor,
            staff=staff,
            page_staff=page_staff,
            obj=lead,
            data={"product": product.pk if product else None, "repeat": not created},
        )
        if visitor is not None:
            Visitor.objects.filter(pk=visitor.pk).update(phone_masked=lead.mobile_masked)
        lead_url = lead_url_for(lead) if lead_url_for else ""
        # Only once the lead is safe; a failing channel is logged and never touches it.
        transaction.on_commit(
            lambda: notifications.lead_notify(lead=lead, lead_url=lead_url, created=created), robust=True
        )
    return LeadSubmission(lead=lead, created=created)


# --- What the manager does -------------------------------------------------------------------------


@transaction.atomic
def lead_status_change(
    *,
    lead: Lead,
    status: str,
    actor: Staff,
    amount: Decimal | None = None,
    product: Product | None = None,
) -> Lead:
    """new → contacted → converted (with the amount and the product sold) or invalid; an invalid
    lead may be reopened as contacted. Each change leaves a line in the lead's notes."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if status not in lead.next_statuses:
        raise LeadError(
            _("A lead that is “%(from)s” cannot become “%(to)s”.")
            % {"from": lead.get_status_display(), "to": Lead.Status(status).label if status in Lead.Status else status}
        )
    if status == Lead.Status.CONVERTED:
        if amount is None or amount <= 0 or product is None:
            raise LeadError(_("A converted lead needs the amount and the product sold."))
        lead.converted_amount, lead.converted_product = amount, product
    lead.status = status
    lead.save(update_fields=["status", "converted_amount", "converted_product", "updated_at"])
    LeadNote.objects.create(lead=lead, author=actor, status=status)
    if status == Lead.Status.CONVERTED:
        event_record(
            kind=Event.Kind.CONVERSION,
            visitor=lead.visitor,
            staff=lead.staff,
            obj=lead,
            data={"amount": str(amount), "product": product.pk},
        )
    return lead


def lead_note_add(*, lead: Lead, author: Staff, text: str) -> LeadNote:
    text = text.strip()
    if not text:
        raise LeadError(_("Write something first."))
    return LeadNote.objects.create(lead=lead, author=author, text=text)


def lead_follow_up_set(*, lead: Lead, on: date | None) -> Lead:
    lead.follow_up_on = on
    lead.save(update_fields=["follow_up_on", "updated_at"])
    return lead


@transaction.atomic
def lead_reveal(*, lead: Lead, viewer: Staff) -> tuple[str, str]:
    """The customer's name and mobile in full, for the viewer to call them (audited)."""
    audit_record(actor=viewer, action="lead.reveal", target=lead)
    return lead.name, lead.mobile


def notifications_mark_read(
    *, staff: Staff, lead: Lead | None = None, thread: MessageThread | None = None, messages: bool = False
) -> int:
    """Mark one lead's or one thread's notifications read, else all of the lead inbox's (or, with
    `messages`, all of the message inbox's)."""
    qs = Notification.objects.filter(staff=staff, read_at__isnull=True)
    if lead is not None:
        qs = qs.filter(lead=lead)
    elif thread is not None:
        qs = qs.filter(thread=thread)
    elif messages:
        qs = qs.filter(thread__isnull=False)
    else:
        qs = qs.filter(lead__isnull=False)
    return qs.update(read_at=timezone.now())


# --- Messages ---------------------------------------------------------------------------------------


class MessageError(Exception):
    """A message the rules refuse; the message is for the person who wrote it."""


def _message_text_clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise MessageError(_("Write your message first."))
    if len(text) > MESSAGE_MAX:
        raise MessageError(_("A message can be at most %(n)s characters.") % {"n": MESSAGE_MAX})
    return text


def _message_notify(thread: MessageThread) -> None:
    try:
        Notification.objects.create(staff_id=thread.staff_id, thread=thread)
    except Exception:
        logger.exception("message notification failed: thread=%s", thread.pk)


@transaction.atomic
def message_post(
    *,
    page_staff: Staff,
    text: str,
    visitor: Visitor | None = None,
    thread: MessageThread | None = None,
) -> Message:
    """A customer's message from the message board: it starts a thread (owned like a lead: the
    visitor's manager if known, else the page's) or, given `thread`, continues it. Records the
    `message` event and, once committed, notifies the manager in the workspace."""
    text = _message_text_clean(text)
    now = timezone.now()
    if thread is None:
        thread = MessageThread.objects.create(
            staff=lead_owner(visitor=visitor, page_staff=page_staff),
            page_staff=page_staff,
            visitor=visitor,
            token=secrets.token_urlsafe(32),
            last_message_at=now,
        )
        created = True
    else:
        thread = MessageThread.objects.select_for_update().get(pk=thread.pk)
        if thread.visitor_id is None and visitor is not None:
            thread.visitor = visitor
        thread.last_message_at, thread.awaiting_reply = now, True
        thread.save(update_fields=["visitor", "last_message_at", "awaiting_reply"])
        created = False
    message = Message.objects.create(thread=thread, text=text, from_customer=True)
    event_record(
        kind=Event.Kind.MESSAGE,
        visitor=visitor,
        staff=thread.staff,
        page_staff=page_staff,
        obj=thread,
        data={"message": message.pk, "new_thread": created},
    )
    transaction.on_commit(lambda: _message_notify(thread), robust=True)
    return message


@transaction.atomic
def message_reply(*, thread: MessageThread, author: Staff, text: str) -> Message:
    """The manager's (or a colleague in scope's) plain-text answer, shown to the customer on the
    thread's page when they come back."""
    text = _message_text_clean(text)
    thread = MessageThread.objects.select_for_update().get(pk=thread.pk)
    message = Message.objects.create(thread=thread, text=text, author=author, from_customer=False)
    thread.last_message_at, thread.awaiting_reply = message.created_at, False
    thread.save(update_fields=["last_message_at", "awaiting_reply"])
    return message
