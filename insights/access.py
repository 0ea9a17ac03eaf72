"""Who may see which customers: the owners in the viewer's staff scope (org.access)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from insights.models import Tag, TagRule, Visitor
from org.access import branches_visible, can_manage_staff, staff_visible
from org.models import Branch, Staff


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


# --- Statistics: people go through org.access.access_staff; these cover the rest. -----------------


def can_see_staff_leaderboard(*, viewer: Staff) -> bool:
    """Branch heads (their branch subtree) and head office (the bank) rank their staff."""
    return can_manage_staff(viewer=viewer)


def can_see_bank_statistics(*, viewer: Staff) -> bool:
    """The bank's totals and the branch leaderboard are head office's."""
    return viewer.role == Staff.Role.HQ_ADMIN


def access_stats_branch(*, viewer: Staff, branch_id) -> Branch:
    """A branch whose statistics the viewer may read: within a branch head's subtree, any for head
    office, none for a manager (who sees only their own numbers)."""
    if not can_see_staff_leaderboard(viewer=viewer):
        raise Http404
    try:
        return branches_visible(viewer=viewer).get(pk=branch_id)
    except (Branch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
