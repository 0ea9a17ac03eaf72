"""Who may see which leads and message threads: those of the staff in the viewer's scope (org.access), and who may see
them unmasked in bulk.

A manager sees their own leads, a branch head their branch's (and below), head office all of them.
A lead out of scope is reported exactly like one that does not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from customers.models import Lead, MessageThread
from org.access import staff_visible
from org.models import Staff


def leads_visible(*, viewer: Staff) -> QuerySet[Lead]:
    if viewer.role == Staff.Role.HQ_ADMIN:
        return Lead.objects.all()
    if viewer.role == Staff.Role.BRANCH_HEAD:
        return Lead.objects.filter(staff__in=staff_visible(viewer=viewer))
    return Lead.objects.filter(staff=viewer)


def access_lead(*, viewer: Staff, lead_id) -> Lead:
    try:
        return leads_visible(viewer=viewer).select_related("staff", "staff__branch", "product").get(pk=lead_id)
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_export_unmasked(*, viewer: Staff) -> bool:
    """Exports are bulk copies of personal information. Head office and branch heads, who answer
    for their whole scope, export names and numbers in full; a manager's export stays masked (they
    reveal one customer at a time, each reveal audited)."""
    return viewer.role in (Staff.Role.HQ_ADMIN, Staff.Role.BRANCH_HEAD)


def threads_visible(*, viewer: Staff) -> QuerySet[MessageThread]:
    """Message threads follow the same scope as leads."""
    if viewer.role == Staff.Role.HQ_ADMIN:
        return MessageThread.objects.all()
    if viewer.role == Staff.Role.BRANCH_HEAD:
        return MessageThread.objects.filter(staff__in=staff_visible(viewer=viewer))
    return MessageThread.objects.filter(staff=viewer)


def access_thread(*, viewer: Staff, thread_id) -> MessageThread:
    try:
        return threads_visible(viewer=viewer).select_related("staff", "staff__branch").get(pk=thread_id)
    except (MessageThread.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
