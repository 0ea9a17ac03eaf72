"""Who may see which customers: the owners in the viewer's staff scope (org.access)."""

from django.db.models import QuerySet
from django.http import Http404

from insights.models import Visitor
from org.access import staff_visible
from org.models import Staff


def visitors_visible(*, viewer: Staff) -> QuerySet[Visitor]:
    qs = Visitor.objects.filter(is_bot=False)
    if viewer.role == Staff.Role.HQ_ADMIN:
        return qs.filter(owner__isnull=False)
    if viewer.role == Staff.Role.BRANCH_HEAD:
        return qs.filter(owner__in=staff_visible(viewer=viewer))
    return qs.filter(owner=viewer)


def access_visitor(*, viewer: Staff, visitor_id: int) -> Visitor:
    try:
        return visitors_visible(viewer=viewer).select_related("owner", "referrer").get(pk=visitor_id)
    except (Visitor.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_reassign_customers(*, viewer: Staff) -> bool:
    return viewer.role == Staff.Role.HQ_ADMIN
