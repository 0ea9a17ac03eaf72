"""Who may review friend-assist chains: head office only (one place for the rule).

The review list and its actions live in the Wagtail admin (/cms/), which only head office reaches;
the role is checked again here so a colleague given admin access for some other reason does not see
customers' chains. Chains are looked up in the current bank's schema only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaigns.assist.models import AssistChain
from org.models import Staff


def review_viewer(*, user) -> Staff:
    """The head-office admin behind this request, or PermissionDenied."""
    staff = None
    if user.is_authenticated:
        staff = Staff.objects.select_related("branch").filter(user=user, left_at__isnull=True).first()
    if staff is None or staff.role != Staff.Role.HQ_ADMIN:
        raise PermissionDenied
    return staff


def can_review(*, user) -> bool:
    try:
        review_viewer(user=user)
    except PermissionDenied:
        return False
    return True


def access_chain_for_review(*, viewer: Staff, chain_id) -> AssistChain:
    if viewer.role != Staff.Role.HQ_ADMIN:
        raise Http404
    try:
        return AssistChain.objects.select_related("campaign").get(pk=chain_id)
    except (AssistChain.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
