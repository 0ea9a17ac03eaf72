"""Who may see which customers: the owners in the viewer's staff scope (org.access)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from insights.models import Tag, TagRule, Visitor
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


def tags_usable(*, viewer: Staff) -> QuerySet[Tag]:
    """The tags `viewer` may see and give: the bank-wide ones and their own (never a colleague's
    private tags, whatever the viewer's role)."""
    return Tag.objects.filter(Q(owner__isnull=True) | Q(owner=viewer))


def access_tag(*, viewer: Staff, tag_id: int) -> Tag:
    try:
        return tags_usable(viewer=viewer).get(pk=tag_id)
    except (Tag.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_own_tag_rule(*, viewer: Staff, rule_id: int) -> TagRule:
    """A rule the viewer made for their own customers (bank-wide rules are edited in /cms/)."""
    try:
        return TagRule.objects.select_related("tag").get(pk=rule_id, owner=viewer)
    except (TagRule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
