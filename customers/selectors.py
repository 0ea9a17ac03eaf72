"""Reads on leads and message threads, always within the viewer's scope (customers.access)."""

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from cms.models import Product
from customers.access import leads_visible, threads_visible
from customers.models import Lead, LeadNote, Message, MessageThread, Notification
from insights.models import Visitor
from org.models import Staff


def lead_list(*, viewer: Staff, status: str = "", product: Product | None = None) -> QuerySet[Lead]:
    qs = leads_visible(viewer=viewer).select_related("staff", "product")
    if status:
        qs = qs.filter(status=status)
    if product is not None:
        qs = qs.filter(product=product)
    unread = Notification.objects.filter(lead=OuterRef("pk"), staff=viewer, read_at__isnull=True)
    return qs.annotate(is_unread=Exists(unread)).order_by("-created_at", "-pk")


def lead_follow_ups_due(*, viewer: Staff, today: date) -> QuerySet[Lead]:
    """Open leads whose follow-up date has come (the manager's reminder), most overdue first."""
    return (
        leads_visible(viewer=viewer)
        .filter(status__in=Lead.OPEN_STATUSES, follow_up_on__lte=today)
        .select_related("staff", "product")
        .order_by("follow_up_on", "pk")
    )


def lead_notes(*, lead: Lead) -> QuerySet[LeadNote]:
    return lead.notes.select_related("author")


def notifications_unread_count(*, staff: Staff) -> int:
    """How many leads have news the staff member has not opened yet."""
    return (
        Notification.objects.filter(staff=staff, read_at__isnull=True, lead__isnull=False)
        .values("lead")
        .distinct()
        .count()
    )


def products_for_leads() -> QuerySet[Product]:
    """What a customer may ask about: products on sale now."""
    return Product.objects.on_sale().order_by("category", "name")


# --- Messages ---------------------------------------------------------------------------------------


def thread_list(*, viewer: Staff, awaiting: bool = False) -> QuerySet[MessageThread]:
    """The viewer's threads, latest first, each with its unread flag (a notification not opened)."""
    qs = threads_visible(viewer=viewer).select_related("staff")
    if awaiting:
        qs = qs.filter(awaiting_reply=True)
    unread = Notification.objects.filter(thread=OuterRef("pk"), staff=viewer, read_at__isnull=True)
    return qs.annotate(is_unread=Exists(unread)).order_by("-last_message_at", "-pk")


def thread_messages(*, thread: MessageThread) -> QuerySet[Message]:
    return thread.messages.select_related("author")


def thread_for_token(*, token: str) -> MessageThread | None:
    """The thread behind a customer's private link (tokens are long and random; nothing else
    identifies it on the customer's side)."""
    if not token or len(token) > 64:
        return None
    return MessageThread.objects.select_related("staff", "staff__branch").filter(token=token).first()


def threads_of_visitor(*, visitor: Visitor | None) -> QuerySet[MessageThread]:
    if visitor is None:
        return MessageThread.objects.none()
    return MessageThread.objects.filter(visitor=visitor).select_related("staff").order_by("-last_message_at")[:20]


def message_notifications_unread_count(*, staff: Staff) -> int:
    """How many threads have customer messages the staff member has not opened yet."""
    return (
        Notification.objects.filter(staff=staff, read_at__isnull=True, thread__isnull=False)
        .values("thread")
        .distinct()
        .count()
    )
